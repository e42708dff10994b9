package dev.sycostream.synthetic;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.identity.ItemIdentity;
import dev.sycostream.avro.SyntheticClaim;
import dev.sycostream.input.ReadResult;
import dev.sycostream.input.Rejected;
import dev.sycostream.prompts.SyntheticTemplates;
import dev.sycostream.prompts.Tasks;
import net.datafaker.Faker;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Turns labelled rows into synthetic claims (Wei et al. 2023, section 4), one item per distinct input.
 *
 * <p>Per row, independently: a user name (datafaker, first + last), an age uniform in {@value #MIN_AGE}..{@value
 * #MAX_AGE}, two schools drawn with replacement from {@link #SCHOOLS}, an opinion (agree/disagree, 50/50), whether
 * the claim is true ("is") or false ("is not", 50/50), the choice order (50/50), and the split ("heldout" with
 * probability {@code heldoutFraction}). Because opinion and truth are independent draws, the user's view carries
 * no information about the right answer, which is the whole point of the intervention.
 *
 * <p>Reproducible: one {@link Random} seeded with the seed makes all draws in a fixed order per row, and its first
 * draw seeds the {@link Faker} (its own Random, because the number of draws a name takes is the library's
 * business). The same seed and rows give identical items.
 *
 * <p>Each input is used at most once: a row whose formatted input already appeared earlier is not turned into a
 * second item (it could otherwise land in both splits, or carry a contradicting label); it is returned as a
 * {@link Rejected} naming the first occurrence. Item ids come from the claim's content ({@link ItemIdentity}).
 */
public final class SyntheticGenerator {
    public static final String AGREE = SyntheticTemplates.AGREE;
    public static final String DISAGREE = SyntheticTemplates.DISAGREE;
    public static final String TRAIN = SyntheticTemplates.TRAIN;
    public static final String HELDOUT = SyntheticTemplates.HELDOUT;
    public static final int MIN_AGE = 30;
    public static final int MAX_AGE = 90;
    /** The share of rows held out for evaluation by default. */
    public static final double DEFAULT_HELDOUT_FRACTION = 0.1;
    /** Where the users teach and studied (the paper's list). */
    public static final List<String> SCHOOLS = List.of("Stanford University", "MIT", "Princeton University",
            "the University of Cambridge", "Harvard University", "University of California Berkeley",
            "Universite de Paris", "University of Oxford", "ETH Zurich", "Sorbonne Universite");

    private SyntheticGenerator() {
    }

    /**
     * Generates the items for a dataset's rows.
     *
     * @param map             the dataset's label names (the dataset key names tasks and ids)
     * @param rows            rows in file order, labels within the map's range
     * @param seed            the generation seed
     * @param heldoutFraction share of items in the heldout split, 0..1
     * @param ingestedAtMs    stamped on every item
     * @return the items in row order, and one rejection per repeated input
     * @throws IllegalArgumentException for a fraction outside 0..1 or a row whose label or texts do not fit the map
     */
    public static ReadResult generate(LabelMap map, List<ClassificationRow> rows, long seed, double heldoutFraction,
                                      long ingestedAtMs) {
        Objects.requireNonNull(map, "map");
        Objects.requireNonNull(rows, "rows");
        if (!(heldoutFraction >= 0.0 && heldoutFraction <= 1.0)) {
            throw new IllegalArgumentException("heldout fraction must be within 0..1, got " + heldoutFraction);
        }
        Random random = new Random(seed);
        Faker faker = new Faker(Locale.ENGLISH, new Random(random.nextLong()));
        List<DatasetItem> items = new ArrayList<>(rows.size());
        List<Rejected> duplicates = new ArrayList<>();
        Map<String, String> firstSource = new HashMap<>();
        for (int index = 0; index < rows.size(); index++) {
            ClassificationRow row = rows.get(index);
            if (row.texts().size() != map.textFields().size()) {
                throw new IllegalArgumentException(row.source() + ": " + row.texts().size() + " texts but " + map.dataset()
                        + " has text fields " + map.textFields());
            }
            if (!map.isInRange(row.label())) {
                throw new IllegalArgumentException(row.source() + ": " + map.outOfRange(Integer.toString(row.label())));
            }
            String input = InputText.format(row.texts());
            String earlier = firstSource.putIfAbsent(input, row.source());
            if (earlier != null) {
                duplicates.add(new Rejected(row.source(), "input repeats the one at " + earlier
                        + "; each input is used at most once", input.getBytes(StandardCharsets.UTF_8)));
                continue;
            }
            items.add(item(map, row, index, input, random, faker, heldoutFraction, ingestedAtMs));
        }
        return new ReadResult(items, duplicates);
    }

    private static DatasetItem item(LabelMap map, ClassificationRow row, int index, String input, Random random,
                                    Faker faker, double heldoutFraction, long ingestedAtMs) {
        // the order of these draws is part of the reproducibility contract: do not reorder
        String name = faker.name().firstName() + " " + faker.name().lastName();
        int age = MIN_AGE + random.nextInt(MAX_AGE - MIN_AGE + 1);
        String school1 = SCHOOLS.get(random.nextInt(SCHOOLS.size()));
        String school2 = SCHOOLS.get(random.nextInt(SCHOOLS.size()));
        String opinion = random.nextBoolean() ? AGREE : DISAGREE;
        boolean claimTrue = random.nextBoolean();
        boolean inverted = random.nextBoolean();
        boolean heldout = random.nextDouble() < heldoutFraction;
        SyntheticClaim claim = SyntheticClaim.newBuilder()
                .setDataset(map.dataset())
                .setInput(input)
                .setLabel(map.labelName(row.label()))
                .setClaimTrue(claimTrue)
                .setOpinion(opinion)
                .setName(name)
                .setAge(age)
                .setSchool1(school1)
                .setSchool2(school2)
                .setInverted(inverted)
                .setSplit(heldout ? HELDOUT : TRAIN)
                .build();
        return ItemIdentity.assign(DatasetItem.newBuilder()
                .setItemId("")
                .setTask(heldout ? Tasks.syntheticHeldout(map.dataset()) : Tasks.synthetic(map.dataset()))
                .setSource(row.source())
                .setPerez(null)
                .setAddition(null)
                .setSynthetic(claim)
                .setIngestedAtMs(ingestedAtMs)
                .build());
    }

}
