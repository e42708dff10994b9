package dev.sycostream.testing;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.EvalTarget;
import dev.sycostream.avro.ModelReply;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.avro.ProbeBudget;
import dev.sycostream.topology.SycostreamTopology;
import dev.sycostream.worker.BackendException;
import dev.sycostream.worker.Backends;
import dev.sycostream.worker.backend.Completion;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The production topology in a TopologyTestDriver with the model worker's part played in-line: every request the
 * pipeline writes is answered by the worker's own backends (the simulated model) and the reply piped back, so
 * probe rounds go the whole way: schedule → request → reply → scoring → drift.
 */
public final class ProbeDriftHarness implements AutoCloseable {
    public final TopologyHarness h;
    public final TestInputTopic<String, DatasetItem> items;
    public final TestInputTopic<String, EvalTarget> targets;
    public final TestOutputTopic<String, ModelRequest> requests;
    public final TestInputTopic<String, ModelReply> replies;
    private final Backends backends = new Backends();
    /** Every request seen, in order, with its record timestamp. */
    public final List<ModelRequest> seen = new ArrayList<>();
    public final List<Long> seenAt = new ArrayList<>();
    /** The completion of every request of {@link #seen}, same order. */
    public final List<Completion> answeredReplies = new ArrayList<>();

    public ProbeDriftHarness(Path stateDir, SycostreamTopology.Settings settings) {
        h = new TopologyHarness(t -> SycostreamTopology.buildTopology(t, settings), stateDir);
        items = h.input(h.topics.datasetsRaw());
        targets = h.input(h.topics.evalTargets());
        requests = h.output(h.topics.modelRequests());
        replies = h.input(h.topics.modelReplies());
    }

    public static EvalTarget target(String id, String sycophancy, ProbeBudget probe) {
        return EvalTarget.newBuilder().setTargetId(id).setModel(id).setCheckpoint("ck").setBackend(Backends.SIMULATED)
                .setParams(Map.of("sycophancy", sycophancy, "knowledge", "0.9", "seed", "5"))
                .setActive(true).setRegisteredAtMs(1L).setProbe(probe).build();
    }

    public void load(List<DatasetItem> list) {
        list.forEach(i -> items.pipeInput(i.getItemId(), i));
    }

    /** Advances the wall clock and answers whatever the pipeline asked meanwhile (repeatedly, until quiet). */
    public int advanceAndAnswer(Duration step) throws BackendException {
        h.driver.advanceWallClockTime(step);
        int answered = 0;
        while (!requests.isEmpty()) {
            var rec = requests.readRecord();
            ModelRequest r = rec.value();
            seen.add(r);
            seenAt.add(rec.timestamp());
            // submit, as the worker does, so a simulated model with usage=words reports its usage too
            Completion c = backends.forRequest(r).submit(r, Runnable::run).join();
            replies.pipeInput(r.getRequestId(), ModelReply.newBuilder().setRequestId(r.getRequestId())
                    .setTargetId(r.getTargetId()).setText(c.text()).setWorkerId("ttd").setRepliedAtMs(rec.timestamp())
                    .setPromptTokens(c.promptTokens()).setCompletionTokens(c.completionTokens()).build(),
                    rec.timestamp());
            answeredReplies.add(c);
            answered++;
        }
        return answered;
    }

    @Override
    public void close() {
        h.close();
    }
}
