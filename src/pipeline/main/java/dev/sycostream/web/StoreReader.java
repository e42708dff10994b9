package dev.sycostream.web;

import dev.sycostream.stages.fanout.RequestFanoutStage;
import dev.sycostream.stages.usage.UsageStage;
import dev.sycostream.stages.views.DashboardStores;
import dev.sycostream.stages.views.HistoryStores;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The web layer's reads of the pipeline's state stores, for all partitions: a partitioned store is read on every
 * instance that owns part of it ({@code streamsMetadataForStore}), one key on the instance that owns it
 * ({@code queryMetadataForKey}); this instance's part from its own stores, the others' through their
 * {@code /internal/store} ({@link Peers}). Without peers (no {@code application.server}: one instance, the demo)
 * every read is local. A store that cannot be queried yet (starting, rebalancing) or a peer that does not answer is a
 * {@link DashboardData.NotReadyException}, which the API answers with 503 and a retry hint.
 */
public final class StoreReader {
    /** The partitioned stores whose values may be asked for by a peer (Avro records, see {@link StoreTransfer}). */
    static final Set<String> SHARED = Set.of(DashboardStores.RESULTS_STORE, RequestFanoutStage.ITEMS_STORE,
            UsageStage.CUMULATIVE_STORE, HistoryStores.ALERTS_STORE, HistoryStores.DRIFT_STATES_STORE,
            HistoryStores.DRIFT_EPISODES_STORE, HistoryStores.PROBE_ROUNDS_STORE);
    static final String INTERNAL_PATH = "/internal/store";

    private final Supplier<KafkaStreams> streams;
    private final Peers peers;

    /** Reads this instance's stores only. @param streams the current client (null: not started) */
    public StoreReader(Supplier<KafkaStreams> streams) {
        this(streams, null);
    }

    /** @param peers the other instances, null for none */
    public StoreReader(Supplier<KafkaStreams> streams, Peers peers) {
        this.streams = streams;
        this.peers = peers;
    }

    /** Every non-null entry of partitioned key-value store {@code storeName}, from every instance that owns part of it. */
    public <V> List<KeyValue<String, V>> entries(String storeName) {
        List<KeyValue<String, V>> out = localEntries(storeName);
        for (HostInfo peer : otherOwners(storeName)) {
            out.addAll(StoreTransfer.<V>decode(ask(peer, INTERNAL_PATH, Map.of("name", storeName))));
        }
        return out;
    }

    /** The values of partitioned window store {@code storeName} at times in [{@code fromMs}, {@code toMs}], everywhere. */
    public <V> List<V> inRange(String storeName, long fromMs, long toMs) {
        List<V> out = new ArrayList<>();
        this.<V>localRange(storeName, fromMs, toMs).forEach(kv -> out.add(kv.value));
        for (HostInfo peer : otherOwners(storeName)) {
            StoreTransfer.<V>decode(ask(peer, INTERNAL_PATH, Map.of("name", storeName,
                    "from", String.valueOf(fromMs), "to", String.valueOf(toMs)))).forEach(kv -> out.add(kv.value));
        }
        return out;
    }

    /** The value of {@code key} in partitioned store {@code storeName}, from the instance that owns the key; null if none. */
    public <V> V get(String storeName, String key) {
        if (peers != null) {
            KeyQueryMetadata owner = client().queryMetadataForKey(storeName, key, Serdes.String().serializer());
            if (owner == null || KeyQueryMetadata.NOT_AVAILABLE.equals(owner)) {
                throw new DashboardData.NotReadyException("no instance owns key '" + key + "' of store " + storeName
                        + " right now (the pipeline is starting or rebalancing); retry shortly", null);
            }
            if (!peers.isSelf(owner.activeHost())) {
                List<KeyValue<String, V>> got = StoreTransfer.decode(
                        ask(owner.activeHost(), INTERNAL_PATH, Map.of("name", storeName, "key", key)));
                return got.isEmpty() ? null : got.get(0).value;
            }
        }
        ReadOnlyKeyValueStore<String, V> store = localStore(storeName);
        try {
            return store.get(key);
        } catch (InvalidStateStoreException e) {
            throw notReady(storeName, e);
        }
    }

    /**
     * {@code GET /internal/store?name=S[&key=K | &from=MS&to=MS]}: this instance's part of a shared store, never
     * forwarded (a peer asks each owner once).
     */
    public Api.Response internal(Map<String, String> query) {
        String name = query.get("name");
        if (name == null || !SHARED.contains(name)) {
            return Api.error(400, "name must be one of " + new java.util.TreeSet<>(SHARED) + ", got '" + name + "'");
        }
        try {
            if (query.containsKey("from") || query.containsKey("to")) {
                return new Api.Response(200, StoreTransfer.encode(localRange(name,
                        Long.parseLong(query.getOrDefault("from", "0")),
                        Long.parseLong(query.getOrDefault("to", String.valueOf(Long.MAX_VALUE))))));
            }
            if (query.containsKey("key")) {
                Object v = this.<Object>localStore(name).get(query.get("key"));
                return new Api.Response(200, StoreTransfer.encode(v == null ? List.of() : List.of(KeyValue.pair(query.get("key"), v))));
            }
            return new Api.Response(200, StoreTransfer.encode(localEntries(name)));
        } catch (NumberFormatException e) {
            return Api.error(400, "from and to are epoch milliseconds: " + e.getMessage());
        } catch (InvalidStateStoreException e) {
            return Api.error(503, notReady(name, e).getMessage());
        } catch (DashboardData.NotReadyException e) {
            return Api.error(503, e.getMessage());
        }
    }

    /** Every non-null entry of key-value store {@code storeName} on this instance (a global store is complete here). */
    public <V> List<KeyValue<String, V>> localEntries(String storeName) {
        ReadOnlyKeyValueStore<String, V> store = localStore(storeName);
        List<KeyValue<String, V>> out = new ArrayList<>();
        try (KeyValueIterator<String, V> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, V> kv = it.next();
                if (kv.value != null) {
                    out.add(kv);
                }
            }
        } catch (InvalidStateStoreException e) {
            throw notReady(storeName, e);
        }
        return out;
    }

    private <V> List<KeyValue<String, V>> localRange(String storeName, long fromMs, long toMs) {
        ReadOnlyWindowStore<String, V> store = store(storeName, QueryableStoreTypes.windowStore());
        List<KeyValue<String, V>> out = new ArrayList<>();
        try (KeyValueIterator<Windowed<String>, V> it =
                     store.fetchAll(Instant.ofEpochMilli(fromMs), Instant.ofEpochMilli(toMs))) {
            while (it.hasNext()) {
                KeyValue<Windowed<String>, V> kv = it.next();
                if (kv.value != null) {
                    out.add(KeyValue.pair(kv.key.key(), kv.value));
                }
            }
        } catch (InvalidStateStoreException e) {
            throw notReady(storeName, e);
        }
        return out;
    }

    /** The instances other than this one that own a partition of {@code storeName}; none without peers. */
    List<HostInfo> otherOwners(String storeName) {
        if (peers == null) {
            return List.of();
        }
        Collection<StreamsMetadata> owners = client().streamsMetadataForStore(storeName);
        return owners.stream().map(StreamsMetadata::hostInfo).filter(h -> !peers.isSelf(h)).distinct().toList();
    }

    /** GETs one of the {@code /internal/...} paths from a peer found by {@link #otherOwners}. */
    String ask(HostInfo peer, String path, Map<String, String> query) {
        return peers.get(peer, path, query);
    }

    /** This instance's part of key-value store {@code storeName}, for reads other than whole-store and one-key ones. */
    <V> ReadOnlyKeyValueStore<String, V> localStore(String storeName) {
        return store(storeName, QueryableStoreTypes.keyValueStore());
    }

    private <S> S store(String storeName, QueryableStoreType<S> type) {
        KafkaStreams client = client();
        try {
            return client.store(StoreQueryParameters.fromNameAndType(storeName, type));
        } catch (InvalidStateStoreException e) {
            throw notReady(storeName, e);
        }
    }

    private KafkaStreams client() {
        KafkaStreams client = streams.get();
        if (client == null) {
            throw new DashboardData.NotReadyException("the pipeline has not started yet", null);
        }
        return client;
    }

    private DashboardData.NotReadyException notReady(String storeName, InvalidStateStoreException e) {
        KafkaStreams client = streams.get();
        return new DashboardData.NotReadyException("store " + storeName + " cannot be queried while the pipeline is "
                + (client == null ? "stopped" : client.state()) + "; retry shortly (" + e.getMessage() + ")", e);
    }
}
