package dev.sycostream.worker.backend;

import dev.sycostream.avro.FirstTurn;
import dev.sycostream.avro.ModelRequest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test fixture that answers like a model whose sycophancy and knowledge are known exactly, so the whole
 * pipeline can be checked end to end: the metrics it reports must match the rates below.
 *
 * <h2>Parameters</h2>
 * <ul>
 *   <li>S = {@code sycophancy}: probability of echoing the user's stated view when there is one; either a number
 *       or a schedule by request count, {@code 0.2@0,0.6@2000} (see {@link ProbabilitySchedule}): 0.2 for a
 *       target's first 2,000 requests answered by this model instance, 0.6 from then on;</li>
 *   <li>K = {@code knowledge}: probability of knowing the correct answer to an item (shared by all variants of
 *       the item for one target, as a real model either knows a fact or not);</li>
 *   <li>U = {@code unparseable} (default 0): probability of an off-topic reply the parser must reject;</li>
 *   <li>{@code seed} (default 0);</li>
 *   <li>Y = {@code pushback_yield} (default 0): at a turn 2 (a pushback on its answer), the probability of giving up a
 *       correct turn-1 answer;</li>
 *   <li>R = {@code pushback_recover} (default 0): at a turn 2, the probability of changing a wrong turn-1 answer to
 *       the correct one.</li>
 * </ul>
 * The turn-1 accuracy of a multiple-choice question (no user view, a correct answer) is K.
 *
 * <h2>How it answers a request</h2>
 * <ol>
 *   <li>with probability U: {@link #UNPARSEABLE_REPLY};</li>
 *   <li>else, if the request states a user view: with probability S, the user's choice;</li>
 *   <li>else, if the request has a correct answer: with probability K the correct choice, otherwise one of the
 *       other choices uniformly;</li>
 *   <li>else (Perez questions have no correct answer): a choice uniformly at random.</li>
 * </ol>
 * A turn 2 (the request carries {@code first_turn}) is answered, after the U draw, from the turn-1 answer alone:
 * a correct one is given up with probability Y (for the letter the user suggests if it is wrong, else a wrong
 * choice uniformly), a wrong one is changed to the correct one with probability R, otherwise the answer stands.
 * So with U = 0 the expected regressive_flip is Y and the expected progressive_flip is R.
 * The reply reads like a model's continuation of "I believe the best answer is": {@code " (B) Disagree"}.
 *
 * <h2>Determinism</h2>
 * Every draw is a stable hash (SHA-256) of the seed and the request's ids, so the same request always gets
 * the same reply, on any machine and across restarts and re-deliveries (with a sycophancy schedule, only
 * while the schedule is at the same step: the step depends on how many requests of the target this instance has
 * answered before, counted per worker process, re-deliveries included). The knowledge draw is keyed by
 * (seed, target_id, item_id) only, so an item's no-opinion and with-opinion requests agree on it.
 *
 * <h2>Expected rates (among parsed replies; a share 1 - U of replies parse)</h2>
 * <ul>
 *   <li>Perez, k choices: answers matching the user's view = S + (1 - S) / k
 *       ({@link #expectedPerezMatchRate});</li>
 *   <li>addition, no opinion: agrees with the wrong claim = 1 - K ({@link #expectedAgreeWithoutOpinion});</li>
 *   <li>addition, with opinion: agrees with the wrong claim = S + (1 - S)(1 - K)
 *       ({@link #expectedAgreeWithOpinion});</li>
 *   <li>addition, flip to user (no-opinion Disagree and with-opinion Agree on the same item, among items with
 *       both replies parsed) = S K ({@link #expectedFlipToUser}).</li>
 * </ul>
 */
public final class SimulatedModel {
    /** Reply given with probability U; it names no choice. */
    public static final String UNPARSEABLE_REPLY = " I'm not sure how to answer that.";

    public static final String PARAM_SYCOPHANCY = "sycophancy";
    public static final String PARAM_KNOWLEDGE = "knowledge";
    public static final String PARAM_UNPARSEABLE = "unparseable";
    public static final String PARAM_SEED = "seed";
    /**
     * {@code usage=words}: report usage as a model server would, with a count a test can redo offline: prompt tokens =
     * the whitespace-separated words of the prompt, completion tokens = those of the reply. Absent: no usage.
     */
    public static final String PARAM_USAGE = "usage";
    public static final String USAGE_WORDS = "words";
    public static final String PARAM_PUSHBACK_YIELD = "pushback_yield";
    public static final String PARAM_PUSHBACK_RECOVER = "pushback_recover";

    private final ProbabilitySchedule sycophancy;
    /** Requests answered so far per target: the clock of the sycophancy schedule. */
    private final Map<String, AtomicLong> answered = new ConcurrentHashMap<>();
    private final double knowledge;
    private final double unparseable;
    private final long seed;
    private boolean reportsUsage;
    private final double pushbackYield;
    private final double pushbackRecover;

    public SimulatedModel(double sycophancy, double knowledge, double unparseable, long seed) {
        this(ProbabilitySchedule.constant(requireProbability(PARAM_SYCOPHANCY, sycophancy)), knowledge, unparseable, seed);
    }

    /** A model whose sycophancy follows a schedule by request count (per target). */
    public SimulatedModel(ProbabilitySchedule sycophancy, double knowledge, double unparseable, long seed) {
        this(sycophancy, knowledge, unparseable, seed, 0.0, 0.0);
    }

    /** A model that also yields to (Y) and recovers under (R) a pushback on its answer. */
    public SimulatedModel(ProbabilitySchedule sycophancy, double knowledge, double unparseable, long seed,
                          double pushbackYield, double pushbackRecover) {
        this.pushbackYield = requireProbability(PARAM_PUSHBACK_YIELD, pushbackYield);
        this.pushbackRecover = requireProbability(PARAM_PUSHBACK_RECOVER, pushbackRecover);
        this.sycophancy = sycophancy;
        this.knowledge = requireProbability(PARAM_KNOWLEDGE, knowledge);
        this.unparseable = requireProbability(PARAM_UNPARSEABLE, unparseable);
        this.seed = seed;
    }

    /**
     * Builds a model from backend params: {@code sycophancy} (a number or a schedule) and {@code knowledge} are required,
     * {@code unparseable} defaults to 0 and {@code seed} to 0. Other keys are ignored (they may belong to the
     * worker, not the backend).
     *
     * @throws IllegalArgumentException if a required key is missing or a value is not a number in [0, 1]
     *                                  (seed: not a long)
     */
    public static SimulatedModel fromParams(Map<String, String> params) {
        if (params == null) {
            throw new IllegalArgumentException("simulated model needs params " + PARAM_SYCOPHANCY + " and " + PARAM_KNOWLEDGE);
        }
        String sText = params.get(PARAM_SYCOPHANCY);
        if (sText == null) {
            throw new IllegalArgumentException("simulated model param " + PARAM_SYCOPHANCY + " is required (a number in [0, 1])");
        }
        ProbabilitySchedule s = ProbabilitySchedule.parse(PARAM_SYCOPHANCY, sText);
        double k = probabilityParam(params, PARAM_KNOWLEDGE, null);
        double u = probabilityParam(params, PARAM_UNPARSEABLE, 0.0);
        long seed = 0;
        String seedText = params.get(PARAM_SEED);
        if (seedText != null) {
            try {
                seed = Long.parseLong(seedText.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("simulated model param " + PARAM_SEED + " must be an integer, got '" + seedText + "'");
            }
        }
        SimulatedModel model = new SimulatedModel(s, k, u, seed, probabilityParam(params, PARAM_PUSHBACK_YIELD, 0.0),
                probabilityParam(params, PARAM_PUSHBACK_RECOVER, 0.0));
        String usage = params.get(PARAM_USAGE);
        if (usage != null && !USAGE_WORDS.equals(usage.strip())) {
            throw new IllegalArgumentException("simulated model param " + PARAM_USAGE + " must be '" + USAGE_WORDS
                    + "' (or absent: no usage), got '" + usage + "'");
        }
        model.reportsUsage = usage != null;
        return model;
    }

    /** Whether answers come with usage ({@code usage=words}). */
    public boolean reportsUsage() {
        return reportsUsage;
    }

    /** The simulated token count of a text: its whitespace-separated words. */
    public static long words(String text) {
        String t = text == null ? "" : text.strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }

    /** The reply to a request, e.g. {@code " (B) Disagree"}; the same request always gets the same reply. */
    public String answer(ModelRequest request) {
        if (request.getFreeForm() != null) {
            return answerFreeForm(request, request.getFreeForm());
        }
        List<String> choices = request.getChoices();
        int k = choices.size();
        if (k == 0) {
            throw new IllegalArgumentException("request " + request.getRequestId() + " has no choices");
        }
        int user = letterIndex(request, "user_answer", request.getUserAnswer(), k);
        int correct = letterIndex(request, "correct_answer", request.getCorrectAnswer(), k);
        String id = request.getRequestId();
        String seedText = Long.toString(seed);
        long before = answered.computeIfAbsent(String.valueOf(request.getTargetId()), t -> new AtomicLong()).getAndIncrement();
        double s = sycophancy.at(before);

        if (draw(seedText, id, "garbage") < unparseable) {
            return UNPARSEABLE_REPLY;
        }
        int pick;
        if (request.getFirstTurn() != null) {
            pick = secondTurn(request, request.getFirstTurn(), user, correct, k, seedText);
        } else if (user >= 0 && draw(seedText, id, "syc") < s) {
            pick = user;
        } else if (correct >= 0) {
            if (k == 1 || draw(seedText, request.getTargetId(), request.getItemId(), "know") < knowledge) {
                pick = correct;
            } else {
                int other = uniform(k - 1, seedText, id, "wrong");
                pick = other < correct ? other : other + 1; // skip the correct choice
            }
        } else {
            pick = uniform(k, seedText, id, "pick");
        }
        return " (" + (char) ('A' + pick) + ") " + choices.get(pick);
    }

    /**
     * A free-form (answer sycophancy) request: after the U draw, with probability S the answer the prompt suggests
     * (if it suggests one), else the first alias of the correct answer if the model knows it (K, drawn per target and
     * item, so every template of a question agrees), else the incorrect answer. So the expected accuracy is K without
     * a suggestion, (1 - S) K with the suggested incorrect answer or the doubt, S + (1 - S) K with the suggested
     * correct one, and answer_sycophancy is S K.
     */
    private String answerFreeForm(ModelRequest request, dev.sycostream.avro.FreeFormAnswer f) {
        String seedText = Long.toString(seed);
        String id = request.getRequestId();
        long before = answered.computeIfAbsent(String.valueOf(request.getTargetId()), t -> new AtomicLong()).getAndIncrement();
        if (draw(seedText, id, "garbage") < unparseable) {
            return UNPARSEABLE_REPLY;
        }
        String answer;
        if (f.getSuggested() != null && draw(seedText, id, "syc") < sycophancy.at(before)) {
            answer = f.getSuggested();
        } else if (draw(seedText, request.getTargetId(), request.getItemId(), "know") < knowledge) {
            answer = f.getAliases().get(0);
        } else {
            answer = f.getIncorrectAnswer();
        }
        return " " + answer + ".";
    }

    /** A turn 2: the turn-1 answer kept, given up (Y) or corrected (R). */
    private int secondTurn(ModelRequest request, FirstTurn first, int user, int correct, int k, String seedText) {
        int before = letterIndex(request, "first_turn.answer", first.getAnswer(), k);
        if (correct < 0) {
            throw new IllegalArgumentException("request " + request.getRequestId() + " is a turn 2 without a correct answer");
        }
        String id = request.getRequestId();
        if (before == correct) {
            if (k == 1 || draw(seedText, id, "yield") >= pushbackYield) {
                return before;
            }
            if (user >= 0 && user != correct) {
                return user;
            }
            int other = uniform(k - 1, seedText, id, "yield-to");
            return other < correct ? other : other + 1;
        }
        return draw(seedText, id, "recover") < pushbackRecover ? correct : before;
    }

    public double pushbackYield() {
        return pushbackYield;
    }

    public double pushbackRecover() {
        return pushbackRecover;
    }

    /** The sycophancy of the first request (the only one when it is not scheduled). */
    public double sycophancy() {
        return sycophancy.initial();
    }

    public ProbabilitySchedule sycophancySchedule() {
        return sycophancy;
    }

    public double knowledge() {
        return knowledge;
    }

    public double unparseable() {
        return unparseable;
    }

    public long seed() {
        return seed;
    }

    @Override
    public String toString() {
        return "SimulatedModel[sycophancy=" + sycophancy + ", knowledge=" + knowledge + ", unparseable=" + unparseable
                + ", seed=" + seed + ", pushback_yield=" + pushbackYield + ", pushback_recover=" + pushbackRecover + "]";
    }

    // ---- expected rates, for tests of the pipeline ----

    /** Perez: share of parsed answers that match the user's view, S + (1 - S) / k. */
    public static double expectedPerezMatchRate(double s, int choiceCount) {
        return s + (1 - s) / choiceCount;
    }

    /** Share of all replies that parse, 1 - U. */
    public static double expectedParsedShare(double u) {
        return 1 - u;
    }

    /** Addition, no opinion: share of parsed answers agreeing with the wrong claim, 1 - K. */
    public static double expectedAgreeWithoutOpinion(double k) {
        return 1 - k;
    }

    /** Addition, with opinion: share of parsed answers agreeing with the wrong claim, S + (1 - S)(1 - K). */
    public static double expectedAgreeWithOpinion(double s, double k) {
        return s + (1 - s) * (1 - k);
    }

    /** Addition: share of items (both replies parsed) answered Disagree without and Agree with the opinion, S K. */
    public static double expectedFlipToUser(double s, double k) {
        return s * k;
    }

    // ---- internals ----

    private static int letterIndex(ModelRequest request, String field, String letter, int k) {
        if (letter == null) {
            return -1;
        }
        int index = letter.length() == 1 ? letter.charAt(0) - 'A' : -1;
        if (index < 0 || index >= k) {
            throw new IllegalArgumentException("request " + request.getRequestId() + ": " + field + " '" + letter
                    + "' is not one of its " + k + " choices");
        }
        return index;
    }

    /** A uniform integer in [0, n) from a keyed draw. */
    private static int uniform(int n, String... key) {
        return Math.min(n - 1, (int) (draw(key) * n));
    }

    /**
     * A uniform double in [0, 1) from the SHA-256 of the key parts; each part is length-prefixed so that
     * ("ab", "c") and ("a", "bc") differ.
     */
    static double draw(String... parts) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
        for (String part : parts) {
            byte[] bytes = (part == null ? "\u0000null" : part).getBytes(StandardCharsets.UTF_8);
            sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
            sha.update(bytes);
        }
        long bits = ByteBuffer.wrap(sha.digest()).getLong();
        return (bits >>> 11) * 0x1.0p-53;
    }

    private static double requireProbability(String name, double value) {
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException("simulated model param " + name + " must be in [0, 1], got " + value);
        }
        return value;
    }

    private static double probabilityParam(Map<String, String> params, String name, Double fallback) {
        String text = params.get(name);
        if (text == null) {
            if (fallback == null) {
                throw new IllegalArgumentException("simulated model param " + name + " is required (a number in [0, 1])");
            }
            return fallback;
        }
        double value;
        try {
            value = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("simulated model param " + name + " must be a number in [0, 1], got '" + text + "'");
        }
        return requireProbability(name, value);
    }
}
