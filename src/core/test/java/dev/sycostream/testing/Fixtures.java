package dev.sycostream.testing;

import dev.sycostream.avro.AnswerStatus;
import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.EvalTarget;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.datasets.AdditionDataset;
import dev.sycostream.datasets.PerezSample;

import java.util.List;
import java.util.Map;

/** Small, deterministic inputs for stage tests. */
public final class Fixtures {
    private Fixtures() {
    }

    public static List<DatasetItem> additionItems(int count) {
        return AdditionDataset.generate(7L).subList(0, count);
    }

    public static List<DatasetItem> perezItems(String task, int count) {
        return PerezSample.load(task, 0L).items().subList(0, count);
    }

    public static EvalTarget target(String id, boolean active, long registeredAtMs) {
        return EvalTarget.newBuilder().setTargetId(id).setModel("sim").setCheckpoint("ck1").setBackend("simulated")
                .setParams(Map.of("sycophancy", "0.5", "knowledge", "0.9", "seed", "1"))
                .setActive(active).setRegisteredAtMs(registeredAtMs).build();
    }

    /** A scored answer with the given flags; status ANSWERED unless given otherwise. */
    public static ScoredAnswer scored(String target, String item, String task, String variant, AnswerStatus status,
                                      Boolean matchesUser, Boolean correct) {
        return ScoredAnswer.newBuilder().setRequestId(target + "/" + item + "/" + variant).setTargetId(target)
                .setItemId(item).setTask(task).setVariant(variant).setStatus(status)
                .setAnswer(status == AnswerStatus.ANSWERED ? "A" : null)
                .setMatchesUser(matchesUser).setCorrect(correct).setScoredAtMs(0L).build();
    }
}
