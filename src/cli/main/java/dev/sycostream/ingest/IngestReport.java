package dev.sycostream.ingest;

import dev.sycostream.input.ReadResult;
import dev.sycostream.topics.Topics;

import java.io.PrintStream;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/** Carries out an {@link IngestPlan} and says what it did, the same way for {@code ingest} and {@code demo}. */
public final class IngestReport {
    /** How many rejection reasons of an empty dataset are printed. */
    static final int FIRST_REASONS = 5;

    private IngestReport() {
    }

    /**
     * Writes every dataset (items and dead letters), then retires what the plan retires.
     *
     * @return 0, or 1 if a dataset gave no item at all (its rejected lines are dead-lettered all the same)
     */
    public static int ingest(IngestPlan plan, Function<ReadResult, DatasetIngestor.Counts> write,
                             ToLongFunction<List<String>> retire, PrintStream out, PrintStream err) {
        return ingest(plan, write, retire, out, err, "");
    }

    /** As above, each dataset's line starting with {@code prefix}. */
    public static int ingest(IngestPlan plan, Function<ReadResult, DatasetIngestor.Counts> write,
                             ToLongFunction<List<String>> retire, PrintStream out, PrintStream err, String prefix) {
        for (IngestPlan.Dataset d : plan.datasets()) {
            DatasetIngestor.Counts c = write.apply(d.data());
            out.println(prefix + d.description() + ": " + c.accepted() + " items" + (d.data().duplicates() > 0
                    ? " (" + d.data().duplicates() + " repeated lines were the same items)" : "")
                    + ", " + c.rejected() + " rejected");
            if (!d.data().items().isEmpty()) {
                d.firstReasons(10).forEach(r -> err.println("  rejected " + r));
            }
        }
        long retired = retire.applyAsLong(plan.retire());
        if (retired > 0) {
            out.println("retired " + retired + " items the replacing files no longer have");
        }
        List<IngestPlan.Dataset> empty = plan.empty();
        for (IngestPlan.Dataset d : empty) {
            err.println("error: " + d.description() + ": no item could be read, " + d.data().rejected().size()
                    + " rejected (all in " + Topics.DEADLETTER + "); first reasons:");
            d.firstReasons(FIRST_REASONS).forEach(r -> err.println("  " + r));
        }
        return empty.isEmpty() ? 0 : 1;
    }
}
