package dev.sycostream.stages.fanout;

import dev.sycostream.avro.FanoutProgressState;
import dev.sycostream.keys.CompositeKey;

import java.util.List;

/**
 * The text {@code prompts-fanout-progress-store} held before its values became {@link FanoutProgressState} records:
 * {@code registeredAt|done|cursor}, the cursor (an item key, empty before the first) the open tail, so it may
 * contain '|'. Only read, for the upgrade: a changelog written by an earlier version still holds such values
 * (see topology/topics.md). Never written.
 */
final class LegacyFanoutProgressText {
    private LegacyFanoutProgressText() {
    }

    /** @throws IllegalArgumentException naming what is wrong when {@code text} is not in the old format */
    static FanoutProgressState parse(String text) {
        List<String> parts = CompositeKey.splitWithTail(text, 3);
        String done = parts.get(1);
        if (!done.equals("true") && !done.equals("false")) {
            throw new IllegalArgumentException("legacy fan-out progress: done is '" + done + "', not true or false");
        }
        try {
            return new FanoutProgressState(Long.parseLong(parts.get(0)), Boolean.parseBoolean(done), parts.get(2));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("legacy fan-out progress: registeredAt '" + parts.get(0)
                    + "' is not a number");
        }
    }
}
