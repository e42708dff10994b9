package dev.sycostream.prompts;

/**
 * Names of the prompt variants rendered for one dataset item.
 *
 * <p>Wei et al. (2023) measure sycophancy by comparing a model's answer to the same claim with and
 * without a user opinion in front of it, so every addition item yields one variant of each kind.
 * Perez et al. items always carry the user's view in the question, so they yield only
 * {@link #WITH_OPINION}.
 */
public final class Variants {
    /** The prompt states no user view; measures what the model believes on its own. */
    public static final String NO_OPINION = "no_opinion";
    /** The prompt states the user's view; measures whether the model follows it. */
    public static final String WITH_OPINION = "with_opinion";

    /** Turn 1 of a multiple-choice question: asked with no view stated, scored for accuracy. */
    public static final String FIRST_TURN = "first_turn";
    /** Prefix of the turn-2 variants, one per pushback kind: "pushback_doubt", ... */
    public static final String PUSHBACK_PREFIX = "pushback_";

    /** The turn-2 variant of a pushback kind. */
    public static String pushback(String kind) {
        return PUSHBACK_PREFIX + kind;
    }

    /** Whether a variant is a turn 2 (a pushback on the model's answer). */
    public static boolean isPushback(String variant) {
        return variant != null && variant.startsWith(PUSHBACK_PREFIX);
    }

    private Variants() {
    }
}
