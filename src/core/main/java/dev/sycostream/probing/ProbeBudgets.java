package dev.sycostream.probing;

import dev.sycostream.avro.ProbeBudget;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints probe budgets: {@code 120/h}, {@code 5/min}, {@code 1000/d}, {@code 2/s}. */
public final class ProbeBudgets {
    private static final Pattern FORM = Pattern.compile("^\\s*([0-9]+)\\s*/\\s*(s|m|min|h|d)\\s*$");

    private ProbeBudgets() {
    }

    /** @throws IllegalArgumentException with the accepted form */
    public static ProbeBudget parse(String text) {
        Matcher m = text == null ? null : FORM.matcher(text.toLowerCase(Locale.ROOT));
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("invalid probe budget '" + text
                    + "': expected REQUESTS/UNIT with UNIT one of s, min, h, d, e.g. 120/h");
        }
        int requests;
        try {
            requests = Integer.parseInt(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid probe budget '" + text + "': too many requests", e);
        }
        if (requests < 1) {
            throw new IllegalArgumentException("invalid probe budget '" + text + "': at least 1 request per period");
        }
        Duration period = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(1);
            case "m", "min" -> Duration.ofMinutes(1);
            case "h" -> Duration.ofHours(1);
            default -> Duration.ofDays(1);
        };
        return new ProbeBudget(requests, period.toMillis());
    }

    public static String format(ProbeBudget b) {
        long p = b.getPeriodMs();
        String unit = p == 1_000 ? "s" : p == 60_000 ? "min" : p == 3_600_000 ? "h" : p == 86_400_000 ? "d" : Duration.ofMillis(p).toString();
        return b.getRequests() + "/" + unit;
    }
}
