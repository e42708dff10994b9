package dev.sycostream.web;

import dev.sycostream.stages.fanout.RequestFanoutStage;
import dev.sycostream.stages.views.DashboardStores;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;

import java.util.List;
import java.util.function.Supplier;

/**
 * The pipeline's health: live while the app has not stopped on an unrecoverable error; ready when the Kafka Streams
 * client is RUNNING and the stores the dashboard reads can be queried (the global targets store, the items and
 * results stores). A client that is rebalancing, restoring, replacing a dead thread or restarting is not ready.
 */
public final class StreamsHealth implements HealthCheck {
    static final List<String> STORES = List.of(RequestFanoutStage.TARGETS_STORE, RequestFanoutStage.ITEMS_STORE,
            DashboardStores.RESULTS_STORE);

    private final Supplier<KafkaStreams> streams;
    private final Supplier<Throwable> failure;

    /**
     * @param streams the current client (it changes when the app restarts one)
     * @param failure the error that stopped the app for good, or null
     */
    public StreamsHealth(Supplier<KafkaStreams> streams, Supplier<Throwable> failure) {
        this.streams = streams;
        this.failure = failure;
    }

    @Override
    public Status live() {
        Throwable f = failure.get();
        return f == null ? Status.ok("process up") : Status.failing("pipeline stopped: " + f);
    }

    @Override
    public Status ready() {
        Status live = live();
        if (!live.ok()) {
            return live;
        }
        KafkaStreams client = streams.get();
        if (client == null) {
            return Status.failing("streams client not started");
        }
        KafkaStreams.State state = client.state();
        if (state != KafkaStreams.State.RUNNING) {
            return Status.failing("streams state " + state);
        }
        for (String store : STORES) {
            try {
                client.store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.keyValueStore()));
            } catch (InvalidStateStoreException e) {
                return Status.failing("store " + store + " not queryable: " + e.getMessage());
            }
        }
        return Status.ok("streams RUNNING, stores " + String.join(", ", STORES) + " queryable");
    }
}
