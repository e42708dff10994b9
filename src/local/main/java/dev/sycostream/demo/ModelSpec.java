package dev.sycostream.demo;

import dev.sycostream.targets.TargetRegistrar;
import dev.sycostream.usage.Prices;
import dev.sycostream.worker.Backends;
import dev.sycostream.worker.backend.local.LocalSettings;
import dev.sycostream.worker.backend.openai.OpenAiSettings;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real model for the demo, either behind an OpenAI-compatible server:
 * {@code NAME=BASE_URL[,model=M][,api=chat|completions][,scoring=generate|logprobs][,KEY=VALUE...]}, where the
 * extra keys are any {@link OpenAiSettings} param (e.g. {@code api_key_env=OPENAI_API_KEY}, {@code max_tokens=8})
 * and the served model name defaults to NAME; or a GGUF checkpoint evaluated in-process (backend {@code local}):
 * {@code NAME=gguf:PATH[,scoring=logprobs|generate][,KEY=VALUE...]} with any {@link LocalSettings} param
 * (e.g. {@code parallel=2}); PATH is made absolute, and the target's model is the file name.
 */
public record ModelSpec(String name, String backend, Map<String, String> params) {
    /** The prefix of an in-process checkpoint's location. */
    public static final String GGUF = "gguf:";

    public ModelSpec {
        params = Map.copyOf(params);
        TargetRegistrar.validateTargetId(name);
        // every param checked now, not at the first request
        Prices.fromParams(params);
        if (Backends.LOCAL.equals(backend)) {
            LocalSettings.fromParams(params);
        } else if (Backends.OPENAI.equals(backend)) {
            OpenAiSettings.fromParams(params);
        } else {
            throw new IllegalArgumentException("backend must be " + Backends.OPENAI + " or " + Backends.LOCAL + ", got '" + backend + "'");
        }
    }

    /** An OpenAI-compatible server's model. */
    public ModelSpec(String name, Map<String, String> params) {
        this(name, Backends.OPENAI, params);
    }

    public static ModelSpec parse(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw invalid(spec, "expected NAME=BASE_URL[,model=M][,api=chat|completions][,scoring=generate|logprobs]"
                    + " or NAME=gguf:PATH[,scoring=logprobs|generate]");
        }
        String name = spec.substring(0, eq).strip();
        String[] parts = spec.substring(eq + 1).split(",");
        String location = parts[0].strip();
        boolean local = location.startsWith(GGUF);
        Map<String, String> params = new LinkedHashMap<>();
        if (local) {
            Path path = Path.of(location.substring(GGUF.length())).toAbsolutePath().normalize();
            params.put(LocalSettings.PATH, path.toString());
            params.put(LocalSettings.MODEL, path.getFileName() == null ? name : path.getFileName().toString());
        } else {
            params.put(OpenAiSettings.BASE_URL, location);
            params.put(OpenAiSettings.MODEL, name);
        }
        for (int i = 1; i < parts.length; i++) {
            int kv = parts[i].indexOf('=');
            if (kv <= 0) {
                throw invalid(spec, "'" + parts[i] + "' is not KEY=VALUE");
            }
            params.put(parts[i].substring(0, kv).strip(), parts[i].substring(kv + 1).strip());
        }
        try {
            return new ModelSpec(name, local ? Backends.LOCAL : Backends.OPENAI, params);
        } catch (IllegalArgumentException e) {
            throw invalid(spec, e.getMessage());
        }
    }

    /** How the demo describes it. */
    public String describe() {
        return (Backends.LOCAL.equals(backend) ? "GGUF checkpoint in-process (llama.cpp) " : "OpenAI-compatible server ") + params;
    }

    private static IllegalArgumentException invalid(String spec, String why) {
        return new IllegalArgumentException("invalid --model '" + spec + "': " + why);
    }
}
