package dev.sycostream.deadletter;

import java.util.Locale;
import java.util.Set;

/**
 * Which dead letters a command applies to; every criterion given must hold (null or empty = any).
 *
 * @param offsets        exact offsets in the dead-letter topic
 * @param stage          the stage that gave up (ingest, worker, streams-deserialization, ...)
 * @param sourceTopic    the topic the original record was read from
 * @param reasonContains a case-insensitive piece of the reason
 */
public record DeadLetterFilter(Set<Long> offsets, String stage, String sourceTopic, String reasonContains) {
    public static final DeadLetterFilter ALL = new DeadLetterFilter(Set.of(), null, null, null);

    public DeadLetterFilter {
        offsets = offsets == null ? Set.of() : Set.copyOf(offsets);
    }

    public boolean matches(StoredDeadLetter stored) {
        if (!offsets.isEmpty() && !offsets.contains(stored.offset())) {
            return false;
        }
        if (stored.letter() == null) {
            // An unreadable letter has no stage, source or reason; only an explicit offset selects it.
            return stage == null && sourceTopic == null && reasonContains == null;
        }
        if (stage != null && !stage.equals(stored.letter().getStage())) {
            return false;
        }
        if (sourceTopic != null && stored.kafkaSource().map(s -> !s.topic().equals(sourceTopic)).orElse(true)) {
            return false;
        }
        return reasonContains == null || stored.letter().getReason().toLowerCase(Locale.ROOT)
                .contains(reasonContains.toLowerCase(Locale.ROOT));
    }
}
