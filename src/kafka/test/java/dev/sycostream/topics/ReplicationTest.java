package dev.sycostream.topics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplicationTest {
    @Test
    void threeReplicasWithMinIsrTwoFromThreeBrokersOnOneBelowUnlessAFactorIsGiven() {
        assertThat(Replication.forCluster(1, (short) -1)).isEqualTo(new Replication((short) 1, 1));
        assertThat(Replication.forCluster(2, (short) -1)).isEqualTo(new Replication((short) 1, 1));
        assertThat(Replication.forCluster(3, (short) -1)).isEqualTo(new Replication((short) 3, 2));
        assertThat(Replication.forCluster(5, (short) -1)).isEqualTo(new Replication((short) 3, 2));
        assertThat(Replication.forCluster(3, (short) 2)).isEqualTo(new Replication((short) 2, 1));
        assertThat(Replication.forCluster(5, (short) 5)).isEqualTo(new Replication((short) 5, 2));
        assertThatThrownBy(() -> Replication.forCluster(1, (short) 3))
                .hasMessage("replication factor 3 but the cluster has only 1 broker");
    }
}
