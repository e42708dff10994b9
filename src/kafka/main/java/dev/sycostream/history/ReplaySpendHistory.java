package dev.sycostream.history;

import dev.sycostream.avro.ReplaySpend;
import dev.sycostream.topics.TopicSnapshot;
import dev.sycostream.topics.Topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code sycostream.replay.spend} back: the latest ledger of every target with a replay cost cap. The topic is
 * compacted and keyed by target, and the stage writes a ledger at most once a second, so this reads little.
 */
public final class ReplaySpendHistory {
    private ReplaySpendHistory() {
    }

    /** The latest ledger per target, by target id. */
    public static List<ReplaySpend> latest(Map<String, Object> clientConfig, Topics topics, Duration timeout) {
        Map<String, ReplaySpend> latest = new HashMap<>();
        TopicSnapshot.read(clientConfig, topics.replaySpend(), null, timeout, r -> {
            if (r.value() == null) {
                latest.remove(r.key());
            } else {
                latest.put(r.key(), r.value());
            }
        });
        List<ReplaySpend> list = new ArrayList<>(latest.values());
        list.sort(Comparator.comparing(ReplaySpend::getTargetId));
        return list;
    }
}
