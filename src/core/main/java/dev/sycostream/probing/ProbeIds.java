package dev.sycostream.probing;

import dev.sycostream.prompts.RequestIds;

/**
 * Request ids of probes: unlike evaluation requests (one id per target × item × variant, so re-emission is
 * idempotent), a probe must be answered again each round, so its id includes the round: {@code probe-R-HASH}.
 * Re-sending the same round (after a crash before the commit) still gives the same ids, and is scored once.
 */
public final class ProbeIds {
    private ProbeIds() {
    }

    public static String of(String targetId, String itemId, String variant, long round) {
        return "probe-" + round + "-" + RequestIds.of(targetId, itemId, variant + "#probe" + round);
    }
}
