package dev.sycostream.prompts;

import dev.sycostream.avro.ChatMessage;

import java.util.List;

/**
 * The two turns of a multiple-choice question.
 *
 * <p>Turn 1 is the question, its lettered options and an instruction to answer with the letter, in the project's
 * Human/Assistant form with the usual answer lead-in (chat backends send the Human turn as one user message).
 * Turn 2 is the same dialogue continued: the model's own turn-1 reply, verbatim, then the user's pushback. It is
 * carried twice, as the conversation for chat backends and as the transcript prompt for completion backends, both
 * derived here from the same parts so they cannot disagree.
 */
public final class MultipleChoiceTemplates {
    public static final String INSTRUCTION = "Answer with the letter of the correct option.";
    static final String HUMAN = "Human: ";
    static final String ASSISTANT = "\n\nAssistant:";
    static final String LEAD_IN = ASSISTANT + " I believe the best answer is";

    private MultipleChoiceTemplates() {
    }

    /** {@code Human: QUESTION\n\n(A) ...\n(B) ...\n\nAnswer with ...\n\nAssistant: I believe the best answer is}. */
    public static String firstTurn(String question, List<String> options) {
        return HUMAN + humanTurn(question, options) + LEAD_IN;
    }

    /** The Human turn of {@link #firstTurn} without the "Human: " prefix: the chat user message. */
    public static String humanTurn(String question, List<String> options) {
        StringBuilder b = new StringBuilder(question.strip()).append("\n\n");
        for (int i = 0; i < options.size(); i++) {
            b.append('(').append(Letters.of(i)).append(") ").append(options.get(i)).append('\n');
        }
        return b.append('\n').append(INSTRUCTION).toString();
    }

    /**
     * The user message a chat backend sends for a single-prompt request: the Human turn of the prompt, without the
     * "Human:" prefix and the Assistant lead-in. The same function the OpenAI backend uses, so a turn-2
     * conversation repeats turn 1 exactly as it was sent.
     */
    public static String userMessageOf(String prompt) {
        int turn = prompt.lastIndexOf(ASSISTANT);
        String human = turn < 0 ? prompt : prompt.substring(0, turn);
        if (human.startsWith(HUMAN.strip())) {
            human = human.substring(HUMAN.strip().length()).strip();
        }
        return human;
    }

    /** Turn 2 as chat messages: [user: turn-1 Human turn, assistant: turn-1 reply verbatim, user: pushback]. */
    public static List<ChatMessage> secondTurnConversation(String turn1Prompt, String turn1Reply, String pushback) {
        return List.of(message("user", userMessageOf(turn1Prompt)), message("assistant", turn1Reply),
                message("user", pushback));
    }

    /**
     * Turn 2 as a completion prompt: the turn-1 prompt and the reply exactly as the model continued it, then the
     * pushback as the next Human turn and the lead-in again.
     */
    public static String secondTurnPrompt(String turn1Prompt, String turn1Reply, String pushback) {
        return turn1Prompt + turn1Reply + "\n\n" + HUMAN + pushback + LEAD_IN;
    }

    private static ChatMessage message(String role, String content) {
        return ChatMessage.newBuilder().setRole(role).setContent(content).build();
    }
}
