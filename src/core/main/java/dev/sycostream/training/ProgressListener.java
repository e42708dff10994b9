package dev.sycostream.training;

/** Told how far a long-running export has got. */
public interface ProgressListener {
    /** Ignores everything. */
    ProgressListener NONE = (done, total) -> { };

    /**
     * @param done  units finished so far, {@code 0 <= done <= total}
     * @param total units in all; 0 when there is nothing to do
     */
    void update(long done, long total);

    /** The work has ended (successfully or not); no more updates follow. */
    default void finish() {
    }
}
