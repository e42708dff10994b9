package dev.sycostream.demo;

import dev.sycostream.ingest.TargetRegistrar;
import dev.sycostream.worker.Backends;
import dev.sycostream.worker.backend.openai.OpenAiSettings;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real model behind an OpenAI-compatible server, for the demo:
 * {@code NAME=BASE_URL[,model=M][,api=chat|completions][,scoring=generate|logprobs][,KEY=VALUE...]}, where the
 * extra keys are any {@link OpenAiSettings} param (e.g. {@code api_key_env=OPENAI_API_KEY}, {@code max_tokens=8}).
 * The served model name defaults to NAME.
 */
public record ModelSpec(String name, Map<String, String> params) {
    public ModelSpec {
        params = Map.copyOf(params);
        TargetRegistrar.validateTargetId(name);
        OpenAiSettings.fromParams(params); // every param checked now, not at the first request
    }

    public static ModelSpec parse(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw invalid(spec, "expected NAME=BASE_URL[,model=M][,api=chat|completions][,scoring=generate|logprobs]");
        }
        String name = spec.substring(0, eq).strip();
        String[] parts = spec.substring(eq + 1).split(",");
        Map<String, String> params = new LinkedHashMap<>();
        params.put(OpenAiSettings.BASE_URL, parts[0].strip());
        params.put(OpenAiSettings.MODEL, name);
        for (int i = 1; i < parts.length; i++) {
            int kv = parts[i].indexOf('=');
            if (kv <= 0) {
                throw invalid(spec, "'" + parts[i] + "' is not KEY=VALUE");
            }
            params.put(parts[i].substring(0, kv).strip(), parts[i].substring(kv + 1).strip());
        }
        try {
            return new ModelSpec(name, params);
        } catch (IllegalArgumentException e) {
            throw invalid(spec, e.getMessage());
        }
    }

    public String backend() {
        return Backends.OPENAI;
    }

    private static IllegalArgumentException invalid(String spec, String why) {
        return new IllegalArgumentException("invalid --model '" + spec + "': " + why);
    }
}
