package dev.sycostream.worker.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A probability that changes after a number of requests: {@code 0.2} (constant) or {@code 0.2@0,0.6@2000}
 * (0.2 from the first request, 0.6 from the 2,001st on). Steps are {@code VALUE@FROM} separated by {@code ,} or
 * {@code ;}; FROM is a 0-based request count, the first step must start at 0 and the counts must increase.
 *
 * <p>It exists so a test can make a simulated model change mid-run, as a production endpoint does when its
 * provider updates it behind the same name, and check that drift detection notices.
 */
public final class ProbabilitySchedule {
    private record Step(long from, double value) {
    }

    private final List<Step> steps;

    private ProbabilitySchedule(List<Step> steps) {
        this.steps = List.copyOf(steps);
    }

    public static ProbabilitySchedule constant(double value) {
        return new ProbabilitySchedule(List.of(new Step(0, requireProbability("value", value))));
    }

    /**
     * @param name the parameter's name, for error messages
     * @throws IllegalArgumentException with the expected form when the text is not a schedule of numbers in [0, 1]
     */
    public static ProbabilitySchedule parse(String name, String text) {
        if (text == null || text.isBlank()) {
            throw invalid(name, text, "empty");
        }
        List<Step> steps = new ArrayList<>();
        for (String part : text.split("[,;]")) {
            String p = part.strip();
            int at = p.indexOf('@');
            double value;
            long from;
            try {
                value = Double.parseDouble(at < 0 ? p : p.substring(0, at).strip());
                from = at < 0 ? 0 : Long.parseLong(p.substring(at + 1).strip());
            } catch (NumberFormatException e) {
                throw invalid(name, text, "'" + p + "' is not VALUE or VALUE@REQUESTS");
            }
            if (!(value >= 0 && value <= 1)) {
                throw new IllegalArgumentException("simulated model param " + name + " must be in [0, 1], got " + value
                        + (at < 0 && steps.isEmpty() ? "" : " (in schedule '" + text + "')"));
            }
            if (at < 0 && !steps.isEmpty()) {
                throw invalid(name, text, "every step after the first needs @REQUESTS");
            }
            if (steps.isEmpty() && from != 0) {
                throw invalid(name, text, "the first step must start at request 0");
            }
            if (!steps.isEmpty() && from <= steps.get(steps.size() - 1).from()) {
                throw invalid(name, text, "request counts must increase, got " + from + " after "
                        + steps.get(steps.size() - 1).from());
            }
            steps.add(new Step(from, value));
        }
        return new ProbabilitySchedule(steps);
    }

    /** The value for the request answered after {@code answered} earlier requests. */
    public double at(long answered) {
        double v = steps.get(0).value();
        for (Step s : steps) {
            if (answered >= s.from()) {
                v = s.value();
            } else {
                break;
            }
        }
        return v;
    }

    /** The value at request 0. */
    public double initial() {
        return steps.get(0).value();
    }

    public boolean isConstant() {
        return steps.size() == 1;
    }

    @Override
    public String toString() {
        if (isConstant()) {
            return Double.toString(initial());
        }
        StringBuilder b = new StringBuilder();
        for (Step s : steps) {
            b.append(b.isEmpty() ? "" : ",").append(String.format(Locale.ROOT, "%s@%d", s.value(), s.from()));
        }
        return b.toString();
    }

    private static double requireProbability(String name, double value) {
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException("simulated model param " + name + " must be in [0, 1], got " + value);
        }
        return value;
    }

    private static IllegalArgumentException invalid(String name, String text, String why) {
        return new IllegalArgumentException("simulated model param " + name + " must be a number in [0, 1] or a schedule"
                + " like 0.2@0,0.6@2000, got '" + text + "': " + why);
    }
}
