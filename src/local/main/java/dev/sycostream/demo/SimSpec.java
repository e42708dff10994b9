package dev.sycostream.demo;

import dev.sycostream.usage.Prices;
import dev.sycostream.worker.backend.SimulatedModel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A simulated target for the demo: {@code NAME:sycophancy=S,knowledge=K[,unparseable=U][,seed=N][,pushback_yield=Y]
 * [,pushback_recover=R]}; S may be a
 * schedule by request count, {@code sycophancy=0.2@0,0.6@2000} (see {@link dev.sycostream.worker.backend.ProbabilitySchedule}).
 * The simulated model is a test fixture with known behaviour (see {@link SimulatedModel}), so the demo's
 * measured rates can be checked against what its parameters imply.
 */
public record SimSpec(String name, Map<String, String> params) {
    /**
     * The two default targets: a sycophantic "base" checkpoint and an "intervened" one with the same
     * knowledge and low sycophancy, the contrast the paper's synthetic-data intervention aims for.
     */
    public static final List<SimSpec> DEFAULTS = List.of(
            new SimSpec("base", Map.of("sycophancy", "0.75", "knowledge", "0.9", "seed", "3")),
            new SimSpec("intervened", Map.of("sycophancy", "0.1", "knowledge", "0.9", "seed", "2")));

    private static final List<String> KEYS = List.of(SimulatedModel.PARAM_SYCOPHANCY, SimulatedModel.PARAM_KNOWLEDGE,
            SimulatedModel.PARAM_UNPARSEABLE, SimulatedModel.PARAM_SEED, SimulatedModel.PARAM_USAGE, Prices.IN, Prices.OUT,
            SimulatedModel.PARAM_PUSHBACK_YIELD, SimulatedModel.PARAM_PUSHBACK_RECOVER);

    public SimSpec {
        params = Map.copyOf(params);
        SimulatedModel.fromParams(params); // validates ranges with a clear message
        Prices.fromParams(params);
    }

    public static SimSpec parse(String spec) {
        int colon = spec.indexOf(':');
        if (colon <= 0) {
            throw invalid(spec, "expected NAME:sycophancy=S,knowledge=K");
        }
        String name = spec.substring(0, colon).strip();
        Map<String, String> params = new LinkedHashMap<>();
        String lastKey = null;
        for (String kv : spec.substring(colon + 1).split(",")) {
            int eq = kv.indexOf('=');
            if (eq < 0 && kv.contains("@") && lastKey != null) {
                // a later step of a schedule, e.g. the "0.6@2000" of sycophancy=0.2@0,0.6@2000
                params.put(lastKey, params.get(lastKey) + "," + kv.strip());
                continue;
            }
            if (eq <= 0) {
                throw invalid(spec, "'" + kv + "' is not KEY=VALUE");
            }
            String key = kv.substring(0, eq).strip();
            if (!KEYS.contains(key)) {
                throw invalid(spec, "unknown parameter '" + key + "', expected one of " + KEYS);
            }
            params.put(key, kv.substring(eq + 1).strip());
            lastKey = key;
        }
        if (!params.containsKey(SimulatedModel.PARAM_SYCOPHANCY) || !params.containsKey(SimulatedModel.PARAM_KNOWLEDGE)) {
            throw invalid(spec, "sycophancy and knowledge are required");
        }
        try {
            return new SimSpec(name, params);
        } catch (IllegalArgumentException e) {
            throw invalid(spec, e.getMessage());
        }
    }

    private static IllegalArgumentException invalid(String spec, String why) {
        return new IllegalArgumentException("invalid --sim '" + spec + "': " + why
                + " (form: NAME:sycophancy=S,knowledge=K[,unparseable=U][,seed=N]; S may be a schedule like 0.2@0,0.6@2000)");
    }

    /** The sycophancy at the first request (a schedule's first step). */
    public double sycophancy() {
        return SimulatedModel.fromParams(params).sycophancy();
    }

    public double knowledge() {
        return Double.parseDouble(params.get(SimulatedModel.PARAM_KNOWLEDGE));
    }

    public double unparseable() {
        return Double.parseDouble(params.getOrDefault(SimulatedModel.PARAM_UNPARSEABLE, "0"));
    }
}
