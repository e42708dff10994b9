package dev.sycostream.probing;

import dev.sycostream.avro.ProbeBudget;
import dev.sycostream.usage.Prices;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints probe budgets: requests per period ({@code 120/h}, {@code 5/min}, {@code 1000/d}, {@code 2/s}),
 * a spend per period in USD ({@code 2usd/d}) or tokens ({@code 50000tok/h}), or one of each separated by a comma
 * ({@code 120/h,2usd/d}). A budget of spend alone caps nothing else: its request budget is unlimited.
 */
public final class ProbeBudgets {
    /** The spend units of {@link ProbeBudget#getSpendUnit()}. */
    public static final String PICO_USD = "pico_usd";
    public static final String TOKENS = "tokens";

    private static final Pattern REQUESTS = Pattern.compile("^([0-9]+)/(s|m|min|h|d|day)$");
    private static final Pattern SPEND = Pattern.compile("^([0-9]+(?:\\.[0-9]+)?)(usd|\\$|tok|tokens)/(s|m|min|h|d|day)$");
    private static final String FORM = "expected REQUESTS/UNIT, AMOUNTusd/UNIT or TOKENStok/UNIT (or a requests and a spend"
            + " budget separated by ','), with UNIT one of s, min, h, d, e.g. 120/h, 2usd/d, 50000tok/h, 120/h,2usd/d";

    private ProbeBudgets() {
    }

    /** @throws IllegalArgumentException with the accepted forms */
    public static ProbeBudget parse(String text) {
        if (text == null || text.isBlank()) {
            throw invalid(text, FORM);
        }
        ProbeBudget b = new ProbeBudget(Integer.MAX_VALUE, 0L, null, null, null);
        boolean requests = false;
        for (String part : text.toLowerCase(Locale.ROOT).replace(" ", "").split(",")) {
            Matcher r = REQUESTS.matcher(part);
            Matcher s = SPEND.matcher(part);
            if (r.matches() && !requests) {
                requests = true;
                b.setRequests(requestCount(text, r.group(1)));
                b.setPeriodMs(period(r.group(2)));
            } else if (s.matches() && b.getSpendLimit() == null) {
                boolean usd = s.group(2).equals("usd") || s.group(2).equals("$");
                BigDecimal amount = new BigDecimal(s.group(1));
                long limit;
                try {
                    limit = usd ? Prices.picoUsd(amount) : amount.longValueExact();
                } catch (ArithmeticException e) {
                    throw invalid(text, usd ? "too many dollars" : "a whole number of tokens");
                }
                if (limit < 1) {
                    throw invalid(text, "a spend budget must be positive");
                }
                b.setSpendLimit(limit);
                b.setSpendUnit(usd ? PICO_USD : TOKENS);
                b.setSpendPeriodMs(period(s.group(3)));
            } else {
                throw invalid(text, FORM);
            }
        }
        if (!requests) {
            b.setPeriodMs(b.getSpendPeriodMs()); // unlimited requests; the spend cap paces the rounds
        }
        return b;
    }

    private static int requestCount(String text, String digits) {
        int n;
        try {
            n = Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw invalid(text, "too many requests");
        }
        if (n < 1) {
            throw invalid(text, "at least 1 request per period");
        }
        return n;
    }

    private static long period(String unit) {
        Duration d = switch (unit) {
            case "s" -> Duration.ofSeconds(1);
            case "m", "min" -> Duration.ofMinutes(1);
            case "h" -> Duration.ofHours(1);
            default -> Duration.ofDays(1);
        };
        return d.toMillis();
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("invalid probe budget '" + text + "': " + why);
    }

    /**
     * Checks a budget against the target's params: a USD budget needs prices.
     *
     * @throws IllegalArgumentException naming the missing params
     */
    public static void requireUsable(ProbeBudget b, java.util.Map<String, String> params) {
        if (b != null && PICO_USD.equals(b.getSpendUnit()) && Prices.fromParams(params).isEmpty()) {
            throw new IllegalArgumentException("probe budget " + format(b) + " is in USD but the target has no prices: give "
                    + Prices.IN + " and " + Prices.OUT);
        }
    }

    /** Whether the budget caps the number of requests (not only the spend). */
    public static boolean limitsRequests(ProbeBudget b) {
        return b.getRequests() != Integer.MAX_VALUE;
    }

    public static String format(ProbeBudget b) {
        String requests = limitsRequests(b) ? b.getRequests() + "/" + unit(b.getPeriodMs()) : null;
        if (b.getSpendLimit() == null) {
            return requests;
        }
        String spend = (PICO_USD.equals(b.getSpendUnit()) ? Prices.usd(b.getSpendLimit()).stripTrailingZeros().toPlainString()
                + "usd" : b.getSpendLimit() + "tok") + "/" + unit(b.getSpendPeriodMs());
        return requests == null ? spend : requests + "," + spend;
    }

    private static String unit(long p) {
        return p == 1_000 ? "s" : p == 60_000 ? "min" : p == 3_600_000 ? "h" : p == 86_400_000 ? "d" : Duration.ofMillis(p).toString();
    }
}
