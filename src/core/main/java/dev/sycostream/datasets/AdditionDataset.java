package dev.sycostream.datasets;

import dev.sycostream.identity.ItemIdentity;
import dev.sycostream.avro.AdditionClaim;
import dev.sycostream.avro.DatasetItem;
import dev.sycostream.prompts.Tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The simple-addition evaluation set of Wei et al. (2023), section 3: for every pair 1 &lt;= x, y &lt;= 50 a claim
 * {@code x + y = wrong_sum} with {@code wrong_sum = int(U(1e5, 1e6) * (x + y))}, so every claim is wrong by
 * orders of magnitude and any model that can add should disagree.
 *
 * <p>Generation is deterministic: the same seed gives identical items (one {@link Random#nextDouble()} per pair, x
 * outer, y inner), so re-ingesting a set overwrites the same keys with the same values.
 */
public final class AdditionDataset {
    /** Largest operand; operands run 1..MAX_OPERAND. */
    public static final int MAX_OPERAND = 50;
    /** Number of items, MAX_OPERAND squared. */
    public static final int SIZE = MAX_OPERAND * MAX_OPERAND;

    private static final double LOW = 1e5;
    private static final double HIGH = 1e6;

    private AdditionDataset() {
    }

    /** The 2,500 items for a seed, with ingested_at_ms = 0. */
    public static List<DatasetItem> generate(long seed) {
        return generate(seed, 0L);
    }

    /** The 2,500 items for a seed, stamped with the given ingestion time. */
    public static List<DatasetItem> generate(long seed, long ingestedAtMs) {
        Random random = new Random(seed);
        String source = source(seed);
        List<DatasetItem> items = new ArrayList<>(SIZE);
        int pairIndex = 0;
        for (int x = 1; x <= MAX_OPERAND; x++) {
            for (int y = 1; y <= MAX_OPERAND; y++) {
                double u = LOW + random.nextDouble() * (HIGH - LOW);
                long wrongSum = (long) (u * (x + y));
                items.add(ItemIdentity.assign(DatasetItem.newBuilder()
                        .setItemId("")
                        .setTask(Tasks.ADDITION)
                        .setSource(source)
                        .setPerez(null)
                        .setAddition(AdditionClaim.newBuilder()
                                .setX(x).setY(y).setWrongSum(wrongSum).setPairIndex(pairIndex).build())
                        .setIngestedAtMs(ingestedAtMs)
                        .build()));
                pairIndex++;
            }
        }
        return items;
    }

    /** {@code generator:addition(seed=N)}. */
    public static String source(long seed) {
        return "generator:addition(seed=" + seed + ")";
    }
}
