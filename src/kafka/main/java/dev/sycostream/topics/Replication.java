package dev.sycostream.topics;

/**
 * The replication of the topics {@link TopicProvisioner} creates, and checks on existing ones: a replication factor
 * and the {@code min.insync.replicas} that goes with it. With {@code acks=all} (what transactions use) a write then
 * survives the loss of {@code factor - minInsync} brokers without losing an acknowledged record, and the topic stays
 * writable while {@code minInsync} replicas are in sync.
 *
 * @param factor    replicas of every partition
 * @param minInsync the topic's {@code min.insync.replicas}
 */
public record Replication(short factor, int minInsync) {
    /** Replication 3 from this many brokers on; below, every broker holds every partition (1/1 on one broker). */
    static final int REPLICATED_CLUSTER = 3;

    public Replication {
        if (factor < 1 || minInsync < 1 || minInsync > factor) {
            throw new IllegalArgumentException("replication factor " + factor + " with min.insync.replicas "
                    + minInsync + ": need 1 <= min.insync.replicas <= replication factor");
        }
    }

    /**
     * What to use on a cluster of {@code brokers} brokers: {@code requested} if given (not -1), else 3 replicas
     * with {@code min.insync.replicas=2} on three brokers or more, 1/1 below. A replication factor of 3 or more
     * gets {@code min.insync.replicas=2} (one broker may be down for maintenance while another fails), below that 1.
     *
     * @throws IllegalArgumentException when {@code requested} exceeds the brokers there are
     */
    public static Replication forCluster(int brokers, short requested) {
        short factor = requested > 0 ? requested : (short) (brokers >= REPLICATED_CLUSTER ? 3 : 1);
        if (factor > brokers) {
            throw new IllegalArgumentException("replication factor " + factor + " but the cluster has only "
                    + brokers + " broker" + (brokers == 1 ? "" : "s"));
        }
        return new Replication(factor, minInsyncFor(factor));
    }

    /** 2 for a replication factor of 3 or more (one broker may be down while another fails), else 1. */
    public static int minInsyncFor(int factor) {
        return factor >= 3 ? 2 : 1;
    }
}
