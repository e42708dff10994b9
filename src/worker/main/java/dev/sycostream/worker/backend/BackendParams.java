package dev.sycostream.worker.backend;

import java.util.Map;

/** Reading a target's backend params (strings copied into every request) into typed settings, with one message style. */
public final class BackendParams {
    private BackendParams() {
    }

    /**
     * The positive integer under {@code key}, or {@code fallback} when the key is absent.
     *
     * @throws IllegalArgumentException naming the key and the value when it is not a positive integer
     */
    public static int positiveInt(Map<String, String> params, String key, int fallback) {
        String v = params.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            int i = Integer.parseInt(v.strip());
            if (i <= 0) {
                throw new NumberFormatException();
            }
            return i;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a positive integer, got '" + v + "'");
        }
    }

    /**
     * The finite number under {@code key}, or {@code fallback} when the key is absent.
     *
     * @throws IllegalArgumentException naming the key and the value when it is not a finite number
     */
    public static double number(Map<String, String> params, String key, double fallback) {
        String v = params.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v.strip());
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + v + "'");
        }
    }
}
