package dev.sycostream.web;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The web layer's reads of the pipeline's state stores (interactive queries of this instance): a whole key-value
 * store, or a window store's records in a time range. A store that cannot be queried yet (the pipeline starting or
 * rebalancing) is a {@link DashboardData.NotReadyException}, which the API answers with 503 and a retry hint.
 */
public final class StoreReader {
    private final Supplier<KafkaStreams> streams;

    /** @param streams the current client (the pipeline may replace it on restart; null: not started) */
    public StoreReader(Supplier<KafkaStreams> streams) {
        this.streams = streams;
    }

    /** Every non-null entry of key-value store {@code storeName}. */
    public <V> List<KeyValue<String, V>> entries(String storeName) {
        ReadOnlyKeyValueStore<String, V> store = store(storeName, QueryableStoreTypes.keyValueStore());
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

    /** The values of window store {@code storeName} stored at times in [{@code fromMs}, {@code toMs}]. */
    public <V> List<V> inRange(String storeName, long fromMs, long toMs) {
        ReadOnlyWindowStore<String, V> store = store(storeName, QueryableStoreTypes.windowStore());
        List<V> out = new ArrayList<>();
        try (KeyValueIterator<Windowed<String>, V> it =
                     store.fetchAll(Instant.ofEpochMilli(fromMs), Instant.ofEpochMilli(toMs))) {
            while (it.hasNext()) {
                V v = it.next().value;
                if (v != null) {
                    out.add(v);
                }
            }
        } catch (InvalidStateStoreException e) {
            throw notReady(storeName, e);
        }
        return out;
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
