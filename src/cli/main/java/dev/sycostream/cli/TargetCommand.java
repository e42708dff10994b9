package dev.sycostream.cli;

import dev.sycostream.probing.ProbeBudgets;
import dev.sycostream.drift.PinnedBaselines;
import dev.sycostream.history.ResultsView;
import dev.sycostream.targets.TargetRegistrar;
import dev.sycostream.topics.TopicProvisioner;
import dev.sycostream.topics.Topics;
import dev.sycostream.worker.Backends;
import dev.sycostream.worker.backend.local.LocalSettings;
import dev.sycostream.worker.backend.openai.OpenAiSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.sycostream.metrics.ExpectedCounts;
import dev.sycostream.history.ReplayWatcher;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "target", description = "Manages evaluation targets (model checkpoints).",
        subcommands = {TargetCommand.Add.class})
final class TargetCommand implements Runnable {
    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    @Command(name = "add", description = {"Registers a target; the pipeline sends it every stored item (replay) and every new one.",
            "Its id is NAME@CHECKPOINT."})
    static final class Add implements Callable<Integer> {
        /** Exit code of {@code --wait} when the replay cost cap left requests unevaluated. */
        static final int STOPPED_AT_CAP = 3;

        @Mixin
        ConnectionOptions connection;

        @Option(names = "--name", required = true, description = "Model name.")
        String name;

        @Option(names = "--checkpoint", required = true, description = "Checkpoint label.")
        String checkpoint;

        @Option(names = "--backend", defaultValue = "simulated", description = "Worker backend (default ${DEFAULT-VALUE}).")
        String backend;

        @Option(names = "--param", paramLabel = "KEY=VALUE", description = "Backend parameter (repeatable), e.g. sycophancy=0.3.")
        Map<String, String> params = new LinkedHashMap<>();

        @Option(names = "--probe", paramLabel = "BUDGET", description = {"Probe it continuously after the evaluation, at most BUDGET",
                "requests per period, e.g. 120/h (units s, min, h, d), and/or a hard spend cap, 2usd/d (needs the prices",
                "usd_per_mtok_in/out) or 50000tok/h, e.g. 120/h,2usd/d: rounds of stored items, one per task x variant,",
                "with fresh request ids; its sycophancy metrics are tested for drift against the evaluation."})
        String probe;

        @Option(names = "--drift-baseline", paramLabel = "TARGET", description = {"With --probe: test drift against this",
                "checkpoint's evaluation (its cumulative counts now, pinned) instead of the new target's own evaluation."})
        String driftBaseline;

        @Option(names = "--max-cost-usd", paramLabel = "USD", description = {"A hard cap on what its replay of the stored",
                "items may cost (turn 2s included, probes not: --probe has its own budget); needs the prices usd_per_mtok_in/out.",
                "Each request is reserved at an upper bound of its cost before it is sent and settled at its real cost; what",
                "does not fit is held, and left unevaluated once nothing is in flight (report, sycostream.replay.spend)."})
        BigDecimal maxCostUsd;

        @Option(names = "--base-url", paramLabel = "URL",
                description = "OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1; implies --backend openai.")
        String baseUrl;

        @Option(names = "--gguf", paramLabel = "PATH",
                description = {"A GGUF checkpoint the workers evaluate in-process (llama.cpp); implies --backend local.",
                        "PATH is read on the workers' hosts. Other params with --param: parallel, threads, ctx_size, answer_prefix, seed."})
        String gguf;

        @Option(names = "--served-model", paramLabel = "M", description = "Model name the server knows (default: --name).")
        String servedModel;

        @Option(names = "--api", paramLabel = "chat|completions", description = "Which endpoint: /v1/chat/completions or /v1/completions (default chat).")
        String api;

        @Option(names = "--scoring", paramLabel = "generate|logprobs",
                description = "generate: parse the letter from the text; logprobs: first-token probabilities of the choices (default generate).")
        String scoring;

        @Option(names = "--temperature", description = "Sampling temperature (default 0).")
        Double temperature;

        @Option(names = "--max-tokens", description = "Tokens to generate in generate scoring (default 16).")
        Integer maxTokens;

        @Option(names = "--top-logprobs", description = "First-token alternatives asked for in logprobs scoring (default 5).")
        Integer topLogprobs;

        @Option(names = "--timeout-ms", description = "Per attempt (default 60000).")
        Integer timeoutMs;

        @Option(names = "--rate-limit", paramLabel = "REQ_PER_S", description = "Requests per second per worker to this target (default unlimited).")
        Double rateLimit;

        @Option(names = "--api-key-env", paramLabel = "VAR", description = "Environment variable the worker reads the API key from (the key never enters a topic).")
        String apiKeyEnv;

        @Option(names = "--api-key-file", paramLabel = "PATH", description = "File on the worker's host holding the API key.")
        String apiKeyFile;

        @Option(names = "--inactive", description = "Register it inactive (no requests are sent).")
        boolean inactive;

        @Option(names = "--wait", description = {"Wait until every stored item is answered and counted for the new target,",
                "printing progress (expected counts from sycostream.datasets.raw, progress from sycostream.metrics.results);",
                "exit 3 when --max-cost-usd stopped the replay with requests left unevaluated (every answer sent counted)."})
        boolean await;

        @Option(names = "--wait-timeout", defaultValue = "PT30M", description = "With --wait, give up after this long (default ${DEFAULT-VALUE}).")
        Duration waitTimeout;

        @Override
        public Integer call() {
            // bad options fail before connecting
            var budget = probe == null ? null : ProbeBudgets.parse(probe);
            if (driftBaseline != null && budget == null) {
                throw new IllegalArgumentException("--drift-baseline needs --probe: only probed targets are tested for drift");
            }
            if (baseUrl != null && gguf != null) {
                throw new IllegalArgumentException("give either --base-url (a server) or --gguf (in-process), not both");
            }
            var config = connection.connect();
            Topics topics = new Topics(config.serdeConfig());
            new TopicProvisioner(config.clientConfig()).ensure(topics.all(), config.partitions(), config.replicationFactor());
            if (baseUrl != null) {
                backend = Backends.OPENAI;
            }
            if (gguf != null) {
                backend = Backends.LOCAL;
            }
            Map<String, String> all = new LinkedHashMap<>(params);
            if (Backends.OPENAI.equals(backend)) {
                all.putAll(openAiParams());
                OpenAiSettings.fromParams(all); // a typo fails here, not at the worker's first request
            } else if (Backends.LOCAL.equals(backend)) {
                all.putAll(localParams());
                LocalSettings.fromParams(all, false); // the file is the workers' business, the params are checked here
                if (!java.nio.file.Files.isReadable(java.nio.file.Path.of(all.get(LocalSettings.PATH)))) {
                    System.err.println("warning: " + all.get(LocalSettings.PATH) + " is not readable on this host;"
                            + " the workers answering " + name + " must have it");
                }
            }
            var target = TargetRegistrar.target(name + "@" + checkpoint, name, checkpoint, backend, all);
            target.setActive(!inactive);
            target.setMaxCostPicoUsd(TargetRegistrar.replayCap(maxCostUsd, all));
            target.setProbe(budget);
            if (driftBaseline != null) {
                try (ResultsView view = new ResultsView(config.clientConfig(), topics)) {
                    view.catchUp(Duration.ofMinutes(1));
                    target.setDriftBaseline(PinnedBaselines.of(driftBaseline, view.latest()));
                }
            }
            try (TargetRegistrar registrar = new TargetRegistrar(config.clientConfig(), topics)) {
                registrar.register(target);
            }
            System.out.println("registered target " + target.getTargetId()
                    + (probe == null ? "" : ", probed at most " + ProbeBudgets.format(target.getProbe()))
                    + (maxCostUsd == null ? "" : ", its replay capped at " + maxCostUsd.toPlainString() + " USD"));
            if (!await) {
                return 0;
            }
            if (inactive) {
                throw new IllegalArgumentException("--wait with --inactive would never finish: an inactive target gets no requests");
            }
            var items = ReplayWatcher.storedItems(config.clientConfig(), topics, Duration.ofMinutes(2));
            if (items.isEmpty()) {
                System.out.println("no items stored in " + Topics.DATASETS_RAW + ": nothing to replay");
                return 0;
            }
            ExpectedCounts expected = ExpectedCounts.of(items);
            System.out.println("replaying " + items.size() + " stored items (" + expected.requestsPerTarget()
                    + " requests) to " + target.getTargetId());
            var outcome = ReplayWatcher.await(config.clientConfig(), topics, target.getTargetId(), expected,
                    maxCostUsd != null, waitTimeout, System.out::println);
            if (outcome == ReplayWatcher.Outcome.STOPPED_AT_CAP) {
                return STOPPED_AT_CAP;
            }
            if (outcome == ReplayWatcher.Outcome.TIMED_OUT) {
                System.err.println("error: the replay to " + target.getTargetId() + " did not complete within "
                        + waitTimeout + " (is the pipeline running, and a worker for backend " + backend + "?)");
                return 1;
            }
            return 0;
        }
    
        private Map<String, String> localParams() {
            Map<String, String> p = new LinkedHashMap<>();
            put(p, LocalSettings.PATH, gguf == null ? params.get(LocalSettings.PATH)
                    : java.nio.file.Path.of(gguf).toAbsolutePath().normalize().toString());
            put(p, LocalSettings.MODEL, params.getOrDefault(LocalSettings.MODEL, name));
            put(p, LocalSettings.SCORING, scoring);
            put(p, LocalSettings.MAX_TOKENS, maxTokens);
            put(p, LocalSettings.TOP_LOGPROBS, topLogprobs);
            return p;
        }

        private Map<String, String> openAiParams() {
            Map<String, String> p = new LinkedHashMap<>();
            put(p, OpenAiSettings.BASE_URL, baseUrl);
            put(p, OpenAiSettings.MODEL, servedModel != null ? servedModel : params.getOrDefault(OpenAiSettings.MODEL, name));
            put(p, OpenAiSettings.API, api);
            put(p, OpenAiSettings.SCORING, scoring);
            put(p, OpenAiSettings.TEMPERATURE, temperature);
            put(p, OpenAiSettings.MAX_TOKENS, maxTokens);
            put(p, OpenAiSettings.TOP_LOGPROBS, topLogprobs);
            put(p, OpenAiSettings.TIMEOUT_MS, timeoutMs);
            put(p, OpenAiSettings.RATE_LIMIT, rateLimit);
            put(p, OpenAiSettings.API_KEY_ENV, apiKeyEnv);
            put(p, OpenAiSettings.API_KEY_FILE, apiKeyFile);
            return p;
        }

        private static void put(Map<String, String> p, String key, Object value) {
            if (value != null) {
                p.put(key, String.valueOf(value));
            }
        }
    }
}
