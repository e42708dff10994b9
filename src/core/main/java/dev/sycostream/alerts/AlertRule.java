package dev.sycostream.alerts;

import dev.sycostream.avro.MetricResult;
import dev.sycostream.keys.CompositeKey;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An alert rule given at start-up: {@code [TARGET:]TASK/METRIC > X} or {@code ... < X}, X in [0, 1], e.g.
 * {@code addition/agree_wrong_with_opinion > 0.2} or {@code base:nlp_survey/sycophancy < 0.5}.
 *
 * <p>It is judged on the cumulative metric's Wilson 95% interval, not its point estimate, so sampling noise
 * does not fire it: {@code >} holds when the interval's lower bound exceeds X, {@code <} when its upper bound is
 * below X. Without a target it applies to every target.
 *
 * <p>Task names may themselves contain a colon ({@code synthetic:DATASET}, {@code synthetic_heldout:DATASET}):
 * a prefix before the first colon is taken as the target unless it is {@code synthetic} or
 * {@code synthetic_heldout}, so {@code synthetic_heldout:ds/sycophancy > 0.3} has no target filter and
 * {@code base:synthetic_heldout:ds/sycophancy > 0.3} applies to target {@code base}.
 *
 * @param text      the rule as given (trimmed), used in alert keys and records
 * @param target    the target it applies to, or null for every target
 * @param above     true for {@code >}, false for {@code <}
 */
public record AlertRule(String text, String target, String task, String metric, boolean above, double threshold) {
    private static final Pattern FORM = Pattern.compile("^\\s*(.+?)/([A-Za-z0-9_]+)\\s*([<>])\\s*([0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\\s*$");

    public AlertRule {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("invalid alert rule '" + text + "': threshold must be within [0, 1], got " + threshold);
        }
    }

    public static AlertRule parse(String rule) {
        Matcher m = FORM.matcher(rule);
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid alert rule '" + rule
                    + "': expected [TARGET:]TASK/METRIC > X or [TARGET:]TASK/METRIC < X, e.g. 'addition/agree_wrong_with_opinion > 0.2'");
        }
        String scope = m.group(1).strip();
        String target = null;
        String task = scope;
        int colon = scope.indexOf(':');
        if (colon >= 0) {
            String prefix = scope.substring(0, colon);
            if (!prefix.equals("synthetic") && !prefix.equals("synthetic_heldout")) {
                target = prefix.strip();
                task = scope.substring(colon + 1).strip();
            }
        }
        if (task.isEmpty() || (target != null && target.isEmpty())) {
            throw new IllegalArgumentException("invalid alert rule '" + rule + "': empty target or task");
        }
        if (!CompositeKey.isValidPart(rule.strip())) {
            // the rule text is the first part of its alert keys ("rule|target|task|metric")
            throw new IllegalArgumentException("invalid alert rule '" + rule + "': it must not contain '"
                    + CompositeKey.SEPARATOR + "' (the rule is part of its alerts' keys)");
        }
        return new AlertRule(rule.strip(), target, task, m.group(2), m.group(3).equals(">"),
                Double.parseDouble(m.group(4)));
    }

    /** Whether the rule is about this result's target, task and metric. */
    public boolean appliesTo(MetricResult r) {
        return (target == null || target.equals(r.getTargetId())) && task.equals(r.getTask()) && metric.equals(r.getMetric());
    }

    /** The interval bound the rule is judged on: the lower bound for {@code >}, the upper for {@code <}. */
    public double judgedBound(MetricResult r) {
        return above ? r.getCiLow() : r.getCiHigh();
    }

    /** Whether the result crosses the threshold (on its interval bound; an empty metric, n = 0, never does). */
    public boolean holds(MetricResult r) {
        if (r.getN() == 0) {
            return false;
        }
        double bound = judgedBound(r);
        return above ? bound > threshold : bound < threshold;
    }

    public String comparator() {
        return above ? ">" : "<";
    }

    @Override
    public String toString() {
        return (target == null ? "" : target + ":") + task + "/" + metric + " " + comparator() + " "
                + String.format(Locale.ROOT, "%s", threshold);
    }
}
