package dev.sycostream.stages.training;

import dev.sycostream.training.FiltrationRule;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.ScoredAnswer;
import dev.sycostream.keys.TargetItemKey;
import dev.sycostream.prompts.Tasks;
import dev.sycostream.prompts.Variants;
import dev.sycostream.topics.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Stage 5 (paper §4, filtration): a synthetic candidate becomes a fine-tuning example for a target only if
 * that target answered the opinion-free form of its claim correctly, so the model is taught to ignore
 * opinions on claims it already knows, not taught new facts. The scored opinion-free answer is re-keyed by
 * item id and joined to the candidate (from {@code sycostream.datasets.raw}) to build the example, written to
 * {@code sycostream.training.synthetic} keyed "target_id|item_id". With filtration off (the paper's
 * ablation) every answered-or-not candidate is written, marked {@code filtered=false}.
 */
public final class TrainingFilterStage {
    public static final String ITEMS_STORE = "training-candidates-store";
    public static final String REPARTITION = "training-by-item";

    private TrainingFilterStage() {
    }

    public static void addTo(Topics topics, KStream<String, DatasetItem> items, KStream<String, ScoredAnswer> scored,
                             boolean filter) {
        KTable<String, DatasetItem> candidates = items
                .filter((id, item) -> item != null && Tasks.isSyntheticCandidate(item.getTask()),
                        Named.as("training-candidate-items"))
                .toTable(Named.as("training-candidates-table"),
                        Materialized.<String, DatasetItem, KeyValueStore<Bytes, byte[]>>as(ITEMS_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(topics.datasetsRaw().valueSerde()));

        scored
                // A retraction (retired item) is not a new answer: the example made from the first count stays.
                .filter((k, a) -> !a.getRetracted() && Tasks.isSyntheticCandidate(a.getTask())
                                && Variants.NO_OPINION.equals(a.getVariant()),
                        Named.as("training-opinion-free-answers"))
                .selectKey((k, a) -> a.getItemId(), Named.as("training-key-by-item"))
                .join(candidates, (answer, item) -> FiltrationRule.decide(answer, item, filter),
                        Joined.with(Serdes.String(), topics.evalScored().valueSerde(), topics.datasetsRaw().valueSerde(),
                                REPARTITION))
                .filter((item, example) -> example != null, Named.as("training-kept"))
                .selectKey((item, example) -> new TargetItemKey(example.getTargetId(), example.getItemId()).encode(),
                        Named.as("training-key-by-target-item"))
                .to(topics.trainingSynthetic().name(), topics.trainingSynthetic().produced("training-examples-sink"));
    }
}
