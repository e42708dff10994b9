package dev.sycostream.web;

import dev.sycostream.identity.Provenance;
import dev.sycostream.keys.ResultKey;
import dev.sycostream.stages.views.DashboardStores;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.EvalTarget;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.avro.UsageCounts;
import dev.sycostream.avro.UsageResult;
import dev.sycostream.metrics.MetricNames;
import dev.sycostream.stages.usage.UsageStage;
import dev.sycostream.usage.UsageTotals;
import dev.sycostream.metrics.ExpectedCounts;
import dev.sycostream.stages.fanout.RequestFanoutStage;
import org.apache.kafka.streams.KafkaStreams;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link DashboardData} by interactive queries over this instance's stores: {@value DashboardStores#RESULTS_STORE}
 * (a table of {@code sycostream.metrics.results}), the global targets store and the fan-out's items store.
 *
 * <p>The targets store is global (complete on every instance). The results, usage and items stores are partitioned:
 * with several pipeline instances {@link StoreReader} reads each from every instance that owns part of it, so any
 * instance's dashboard answers for all partitions.
 */
public final class StreamsDashboardData implements DashboardData {
    private static final long EXPECTED_CACHE_MS = 2_000;

    private final StoreReader stores;
    private volatile Optional<ExpectedCounts> expectedCache = Optional.empty();
    private volatile List<Provenance.TaskSource> datasetsCache = List.of();
    private volatile long expectedAt;

    /** @param streams the current client (the pipeline may replace it on restart) */
    public StreamsDashboardData(Supplier<KafkaStreams> streams) {
        this(new StoreReader(streams));
    }

    public StreamsDashboardData(StoreReader stores) {
        this.stores = stores;
    }

    @Override
    public List<EvalTarget> targets() {
        // global: complete on every instance
        return stores.<EvalTarget>localEntries(RequestFanoutStage.TARGETS_STORE).stream().map(kv -> kv.value).toList();
    }

    @Override
    public List<MetricResult> results() {
        return values(DashboardStores.RESULTS_STORE);
    }

    /** One key of {@value DashboardStores#RESULTS_STORE}, from the instance that owns it. */
    @Override
    public Optional<MetricResult> result(ResultKey key) {
        return Optional.ofNullable(stores.<MetricResult>get(DashboardStores.RESULTS_STORE, key.encode()));
    }

    @Override
    public List<UsageResult> usage() {
        List<UsageResult> out = new ArrayList<>();
        long now = System.currentTimeMillis();
        stores.<UsageCounts>entries(UsageStage.CUMULATIVE_STORE).forEach(kv ->
                out.add(UsageTotals.result(kv.key, kv.value, MetricNames.CUMULATIVE, null, null, now)));
        return out;
    }

    @Override
    public Optional<ExpectedCounts> expected() {
        long now = System.currentTimeMillis();
        if (now - expectedAt > EXPECTED_CACHE_MS) {
            List<DatasetItem> items = values(RequestFanoutStage.ITEMS_STORE);
            expectedCache = items.isEmpty() ? Optional.empty() : Optional.of(ExpectedCounts.of(items));
            datasetsCache = Provenance.of(items);
            expectedAt = now;
        }
        return expectedCache;
    }

    /** From the same pass over the items store as {@link #expected()}, so it costs the dataset size, once a period. */
    @Override
    public List<Provenance.TaskSource> datasets() {
        expected();
        return datasetsCache;
    }

    private <V> List<V> values(String storeName) {
        return stores.<V>entries(storeName).stream().map(kv -> kv.value).toList();
    }

}
