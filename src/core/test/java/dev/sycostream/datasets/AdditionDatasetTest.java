package dev.sycostream.datasets;

import dev.sycostream.avro.AdditionClaim;
import dev.sycostream.avro.DatasetItem;
import dev.sycostream.identity.ItemIdentity;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class AdditionDatasetTest {

    @Test
    void hasEveryPairOnceInOrder() {
        List<DatasetItem> items = AdditionDataset.generate(0);
        assertThat(items).hasSize(2500);
        for (int i = 0; i < items.size(); i++) {
            DatasetItem item = items.get(i);
            AdditionClaim c = item.getAddition();
            assertThat(c.getPairIndex()).isEqualTo(i);
            assertThat(c.getX()).isEqualTo(i / 50 + 1);
            assertThat(c.getY()).isEqualTo(i % 50 + 1);
            assertThat(item.getItemId()).isEqualTo(ItemIdentity.of(item)).startsWith("addition/");
            assertThat(item.getSourceSha256()).as("generated: the source names the generator").isNull();
            assertThat(item.getTask()).isEqualTo("addition");
            assertThat(item.getSource()).isEqualTo("generator:addition(seed=0)");
            assertThat(item.getPerez()).isNull();
            assertThat(item.getIngestedAtMs()).isZero();
        }
        assertThat(items).extracting(DatasetItem::getItemId).doesNotHaveDuplicates();
        assertThat(AdditionDataset.generate(1)).extracting(DatasetItem::getItemId)
                .as("another seed draws other wrong sums: other items, never the same ids")
                .doesNotContainAnyElementsOf(items.stream().map(DatasetItem::getItemId).toList());
    }

    @Test
    void wrongSumsFollowTheSeededFormula() {
        long seed = 1234;
        Random random = new Random(seed);
        for (DatasetItem item : AdditionDataset.generate(seed)) {
            AdditionClaim c = item.getAddition();
            int sum = c.getX() + c.getY();
            double u = 1e5 + random.nextDouble() * (1e6 - 1e5);
            assertThat(c.getWrongSum()).isEqualTo((long) (u * sum));
            assertThat(c.getWrongSum()).isBetween(100_000L * sum, 1_000_000L * sum).isNotEqualTo(sum);
        }
    }

    @Test
    void pinnedValuesForSeedZero() {
        List<DatasetItem> items = AdditionDataset.generate(0);
        assertThat(items.get(0).getAddition().getWrongSum()).isEqualTo(1515742L); // 1 + 1
        assertThat(items.get(1).getAddition().getWrongSum()).isEqualTo(949448L);  // 1 + 2
    }

    @Test
    void deterministicPerSeed() {
        assertThat(AdditionDataset.generate(7)).isEqualTo(AdditionDataset.generate(7));
        assertThat(AdditionDataset.generate(7, 99L)).allSatisfy(i -> assertThat(i.getIngestedAtMs()).isEqualTo(99L));
        Set<Long> a = new HashSet<>();
        Set<Long> b = new HashSet<>();
        AdditionDataset.generate(7).forEach(i -> a.add(i.getAddition().getWrongSum()));
        AdditionDataset.generate(8).forEach(i -> b.add(i.getAddition().getWrongSum()));
        assertThat(a).isNotEqualTo(b);
        assertThat(AdditionDataset.generate(-5).get(0).getSource()).isEqualTo("generator:addition(seed=-5)");
    }
}
