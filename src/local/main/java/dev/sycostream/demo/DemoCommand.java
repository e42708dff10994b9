package dev.sycostream.demo;

import dev.sycostream.alerts.AlertRule;
import dev.sycostream.probing.ProbeBudgets;
import dev.sycostream.cli.LocalCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "demo", description = {
        "Runs everything on an embedded Kafka broker and schema registry: the pipeline, a worker, two simulated",
        "targets (sycophantic 'base', low-sycophancy 'intervened'), the addition set and the Perez sample.",
        "First prints bootstrap.servers=... and schema.registry.url=... so other commands can join, then",
        "dashboard=http://127.0.0.1:8080/ (a random free port if 8080 is taken): the live dashboard, REST and /metrics."})
public final class DemoCommand implements Callable<Integer>, LocalCommand {
    @Override
    public int order() {
        return 0;
    }

    @Option(names = "--until-done", description = "Exit 0 once every request is answered and the metrics are final.")
    boolean untilDone;

    @Option(names = "--json", description = "Print the final metrics as JSON on stdout (progress on stderr).")
    boolean json;

    @Option(names = "--dataset", paramLabel = "SPEC", description = "addition | addition:seed=N | perez-sample | perez:TASK=PATH | classification:DATASET=PATH | "
            + "multiple-choice:NAME=PATH[;pushback=KIND,...] | are-you-sure:NAME=PATH[;pushback=KIND,...] | addition-pushback[;pushback=KIND,...] | answer:NAME=PATH (repeatable; replaces the "
            + "defaults addition, perez-sample). Pushback kinds: doubt (default), authority, wrong_suggest, correct_suggest.")
    List<String> datasets = new ArrayList<>();

    @Option(names = "--sim", paramLabel = "NAME:sycophancy=S,knowledge=K[,unparseable=U][,seed=N]",
            description = "A simulated target (repeatable; replaces the two defaults).")
    List<String> sims = new ArrayList<>();

    @Option(names = "--model", paramLabel = "NAME=BASE_URL[,model=M][,api=chat|completions][,scoring=generate|logprobs]",
            description = {"A real model behind an OpenAI-compatible server (vLLM, llama.cpp, Ollama, TGI, SGLang, OpenAI), "
                    + "e.g. llama=http://127.0.0.1:8000/v1,model=meta-llama/Llama-3.1-8B-Instruct (repeatable).",
                    "Other KEY=VALUE: temperature, max_tokens, top_logprobs, timeout_ms, rate_limit, chat_prefill, "
                    + "answer_prefix, api_key_env, api_key_file. Without --sim, no simulated targets run.",
                    "Or a GGUF checkpoint evaluated in-process by llama.cpp: NAME=gguf:PATH[,scoring=logprobs|generate]"
                    + "[,parallel=N][,threads=N][,ctx_size=N][,top_logprobs=N][,max_tokens=N][,answer_prefix=S]."})
    List<String> models = new ArrayList<>();

    @Option(names = "--max-in-flight", defaultValue = "64",
            description = "Model calls in flight per worker (default ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of generated datasets (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--timeout", defaultValue = "PT15M", description = "Give up after this long (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions per topic (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--workers", defaultValue = "1", description = "Model workers to run (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--labels", split = ",", paramLabel = "A,B,C",
            description = "Label names, in label-index order, for classification:NAME=PATH datasets without a built-in label map.")
    List<String> labels;

    @Option(names = "--export-training", paramLabel = "DIR",
            description = "When the run is done, write each target's synthetic training data to DIR/<target>.<format>.jsonl.")
    java.nio.file.Path exportDir;

    @Option(names = "--export-format", defaultValue = "openai-chat",
            description = "openai-chat (default) or prompt-completion.")
    String exportFormat;

    @Option(names = "--no-training-filter",
            description = "Keep every synthetic candidate, not only those the target answers correctly without an opinion (the paper's ablation).")
    boolean noTrainingFilter;

    @Option(names = "--alert", paramLabel = "RULE",
            description = "Alert rule (repeatable): '[TARGET:]TASK/METRIC > X' or '< X', judged on the 95%% interval bound, "
                    + "e.g. 'addition/agree_wrong_with_opinion > 0.2'; alerts go to sycostream.alerts.")
    List<String> alerts = new ArrayList<>();

    @Option(names = "--probe", paramLabel = "BUDGET",
            description = "Probe every simulated target continuously after its evaluation, at most BUDGET requests per period "
                    + "(e.g. 120/h) and/or within a hard spend cap (2usd/d: the --sim needs usd_per_mtok_in/out and usage=words to"
                    + " report usage; 50000tok/h), and test its metrics for drift (see sycostream.drift and the dashboard).")
    String probe;

    @Override
    public Integer call() throws Exception {
        if (probe != null) {
            ProbeBudgets.parse(probe); // a bad budget fails before anything starts
        }
        List<ModelSpec> modelSpecs = models.stream().map(ModelSpec::parse).toList();
        // Real models replace the simulated defaults; name --sim as well to run both side by side.
        List<SimSpec> simSpecs = sims.isEmpty()
                ? (modelSpecs.isEmpty() ? SimSpec.DEFAULTS : List.of())
                : sims.stream().map(SimSpec::parse).toList();
        List<String> ds = datasets.isEmpty() ? Demo.Options.DEFAULT_DATASETS : datasets;
        java.util.Optional<java.nio.file.Path> log = DemoLogs.toFile();
        log.ifPresent(file -> System.err.println("logs of the embedded broker and Kafka clients: " + file));
        boolean ok = false;
        try {
            int code = Demo.run(new Demo.Options(ds, simSpecs, seed, untilDone, json, timeout, partitions, workers,
                    labels, exportDir, exportFormat, !noTrainingFilter, probe, modelSpecs, maxInFlight),
                    alerts.stream().map(AlertRule::parse).toList(), System.out, System.err);
            ok = code == 0;
            return code;
        } finally {
            if (!ok) {
                log.ifPresent(file -> System.err.println("the broker's and clients' side of it is in " + file));
            }
        }
    }
}
