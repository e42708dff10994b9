package dev.sycostream.web;

import dev.sycostream.avro.EvalTarget;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.metrics.ExpectedCounts;
import dev.sycostream.stats.Interval;
import dev.sycostream.stats.Wilson;
import dev.sycostream.testing.Fixtures;

import java.util.List;
import java.util.Optional;

/** Fixed dashboard data for handler tests. */
class WebTestData implements DashboardData {
    final List<EvalTarget> targets;
    final List<MetricResult> results;
    final Optional<ExpectedCounts> expected;

    WebTestData(List<EvalTarget> targets, List<MetricResult> results, Optional<ExpectedCounts> expected) {
        this.targets = targets;
        this.results = results;
        this.expected = expected;
    }

    static MetricResult result(String target, String task, String metric, String window, Long start, long count, long n) {
        Interval ci = Wilson.interval(count, n);
        return MetricResult.newBuilder().setTargetId(target).setTask(task).setMetric(metric).setWindow(window)
                .setWindowStartMs(start).setWindowEndMs(start == null ? null : start + 60_000)
                .setCount(count).setN(n).setRate(n == 0 ? 0 : (double) count / n)
                .setCiLow(ci.low()).setCiHigh(ci.high()).setUpdatedAtMs(1_000L).build();
    }

    /** base: 10 addition items fully answered; intervened: nothing yet. */
    static WebTestData sample() {
        return new WebTestData(
                List.of(Fixtures.target("intervened", true, 2L), Fixtures.target("base", true, 1L)),
                List.of(result("base", "addition", "agree_wrong_with_opinion", "cumulative", null, 7, 10),
                        result("base", "addition", "agree_wrong_with_opinion", "PT1M", 60_000L, 3, 4),
                        result("base", "addition", "agree_wrong_with_opinion", "PT1M", 0L, 4, 6),
                        result("base", "addition", "unparseable", "cumulative", null, 1, 20),
                        result("base", "addition", "failed", "cumulative", null, 2, 20)),
                Optional.of(ExpectedCounts.of(Fixtures.additionItems(10))));
    }

    @Override
    public List<EvalTarget> targets() {
        return targets;
    }

    @Override
    public List<MetricResult> results() {
        return results;
    }

    @Override
    public Optional<ExpectedCounts> expected() {
        return expected;
    }
}
