package dev.sycostream.identity;

import dev.sycostream.avro.AdditionClaim;
import dev.sycostream.avro.AnswerQuestion;
import dev.sycostream.avro.AnswerVariant;
import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.MultipleChoiceQuestion;
import dev.sycostream.avro.PerezQuestion;
import dev.sycostream.avro.SyntheticClaim;
import dev.sycostream.prompts.Letters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;

/**
 * An item's id from its content: {@code TASK/} + 24 hex digits (96 bits) of SHA-256 over the task and every
 * input its prompts are rendered from. Request ids hash (target, item id, variant), so they too follow the content.
 *
 * <p>Why content and not a line number: two files for the same task, or a corrected file, must never share ids
 * for different questions (an answer would then be counted for a question it was not given), and the same
 * question ingested twice must be one item, asked once.
 *
 * <p>What counts as content is exactly what changes what the model is shown or how its answer is scored:
 * <ul>
 *   <li>Perez: the question text and the answer letters (the leading space of {@code " (A)"} is not content, and
 *       the order of the non-matching answers is not either); the metadata fields are not;</li>
 *   <li>addition: x, y, the wrong sum and the choice order (odd pair indices invert it);</li>
 *   <li>synthetic: every field of the claim (the persona is part of the prompt);</li>
 *   <li>multiple choice: the question, the options in order, the correct letter and the set of pushback kinds
 *       (another set of kinds is another evaluation); the metadata fields are not;</li>
 *   <li>answer sycophancy: the question, the correct and the incorrect answer, the set of aliases, and each template
 *       kind with its prompt (human turn and ai prefix) in kind order; the template text and the metadata
 *       (base.dataset, ...) are not, so the order of the file's lines and its other fields never change an id.</li>
 * </ul>
 * Where the answers are not letters (a reader rejects those items anyway) the raw text is hashed.
 */
public final class ItemIdentity {
    /** Hex digits of the digest kept in an id: 96 bits, so a collision needs about 2^48 items. */
    public static final int HEX_DIGITS = 24;
    /** Bumped if the canonical form ever changes: ids of different versions never collide. */
    private static final String VERSION = "item-v1";

    private ItemIdentity() {
    }

    /** The content id of an item (its current item_id is ignored). */
    public static String of(DatasetItem item) {
        List<String> parts = new ArrayList<>();
        parts.add(VERSION);
        parts.add(item.getTask());
        if (item.getPerez() != null) {
            perez(item.getPerez(), parts);
        } else if (item.getAddition() != null) {
            addition(item.getAddition(), parts);
        } else if (item.getSynthetic() != null) {
            synthetic(item.getSynthetic(), parts);
        } else if (item.getMultipleChoice() != null) {
            multipleChoice(item.getMultipleChoice(), parts);
        } else if (item.getAnswer() != null) {
            answer(item.getAnswer(), parts);
        } else {
            throw new IllegalArgumentException("item of task " + item.getTask()
                    + " has no payload (perez, addition, synthetic, multiple_choice or answer)");
        }
        return item.getTask() + "/" + digest(parts);
    }

    /** The item with its item_id set to its content id. */
    public static DatasetItem assign(DatasetItem item) {
        item.setItemId(of(item));
        return item;
    }

    private static void perez(PerezQuestion q, List<String> parts) {
        parts.add("perez");
        parts.add(q.getQuestion());
        parts.add(letterOrRaw(q.getAnswerMatchingBehavior()));
        TreeSet<String> others = new TreeSet<>();
        q.getAnswersNotMatchingBehavior().forEach(a -> others.add(letterOrRaw(a)));
        parts.add(Integer.toString(others.size()));
        parts.addAll(others);
    }

    private static void addition(AdditionClaim a, List<String> parts) {
        parts.add("addition");
        parts.add(Integer.toString(a.getX()));
        parts.add(Integer.toString(a.getY()));
        parts.add(Long.toString(a.getWrongSum()));
        parts.add(a.getPairIndex() % 2 == 1 ? "inverted" : "plain");
    }

    private static void synthetic(SyntheticClaim c, List<String> parts) {
        parts.add("synthetic");
        parts.add(c.getDataset());
        parts.add(c.getInput());
        parts.add(c.getLabel());
        parts.add(Boolean.toString(c.getClaimTrue()));
        parts.add(c.getOpinion());
        parts.add(c.getName());
        parts.add(Integer.toString(c.getAge()));
        parts.add(c.getSchool1());
        parts.add(c.getSchool2());
        parts.add(Boolean.toString(c.getInverted()));
        parts.add(c.getSplit());
    }

    private static void multipleChoice(MultipleChoiceQuestion q, List<String> parts) {
        parts.add("multiple_choice");
        parts.add(q.getQuestion());
        parts.add(Integer.toString(q.getOptions().size()));
        parts.addAll(q.getOptions());
        parts.add(q.getCorrect());
        TreeSet<String> kinds = new TreeSet<>(q.getPushback());
        parts.add(Integer.toString(kinds.size()));
        parts.addAll(kinds);
    }

    private static void answer(AnswerQuestion q, List<String> parts) {
        parts.add("answer");
        parts.add(q.getQuestion());
        parts.add(q.getCorrectAnswer());
        parts.add(q.getIncorrectAnswer());
        TreeSet<String> aliases = new TreeSet<>(q.getAliases());
        parts.add(Integer.toString(aliases.size()));
        parts.addAll(aliases);
        List<AnswerVariant> variants = new ArrayList<>(q.getVariants());
        variants.sort(java.util.Comparator.comparing(AnswerVariant::getKind));
        parts.add(Integer.toString(variants.size()));
        for (AnswerVariant v : variants) {
            parts.add(v.getKind());
            parts.add(v.getHuman());
            parts.add(v.getAiPrefix() == null ? "no-ai-prefix" : "ai:" + v.getAiPrefix());
        }
    }

    private static String letterOrRaw(String answerField) {
        return Letters.fromAnswerField(answerField).map(l -> "letter:" + l).orElse("raw:" + answerField);
    }

    /** Length-prefixed parts, so no two different part lists hash the same bytes. */
    private static String digest(List<String> parts) {
        MessageDigest sha = sha256();
        for (String part : parts) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            sha.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) ':');
            sha.update(bytes);
        }
        return HexFormat.of().formatHex(sha.digest()).substring(0, HEX_DIGITS);
    }

    /** SHA-256 of some bytes, as 64 hex digits: the fingerprint of a dataset file. */
    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
