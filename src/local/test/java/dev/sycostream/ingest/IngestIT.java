package dev.sycostream.ingest;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.DeadLetter;
import dev.sycostream.avro.EvalTarget;
import dev.sycostream.datasets.AdditionDataset;
import dev.sycostream.datasets.DatasetSpec;
import dev.sycostream.input.ReadResult;
import dev.sycostream.input.Rejected;
import dev.sycostream.targets.TargetRegistrar;
import dev.sycostream.testing.EmbeddedClusterSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Ingestion and target registration against a real broker and registry, read back from the topics. */
class IngestIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static EmbeddedClusterSupport cluster;

    @BeforeAll
    static void startCluster() {
        cluster = EmbeddedClusterSupport.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void storesEveryItemByIdAndDeadLettersRejectedLines() {
        ReadResult addition = DatasetSpec.parse("addition").load(7);
        byte[] badLine = "{\"question\": \"unterminated".getBytes(StandardCharsets.UTF_8);
        ReadResult withRejection = new ReadResult(List.of(),
                List.of(new Rejected("nlp_survey.jsonl:12", "line 12: invalid JSON", badLine)));

        try (DatasetIngestor ingestor = new DatasetIngestor(cluster.clientConfig(), cluster.topics())) {
            assertThat(ingestor.ingest(addition)).isEqualTo(new DatasetIngestor.Counts(AdditionDataset.SIZE, 0));
            assertThat(ingestor.ingest(withRejection)).isEqualTo(new DatasetIngestor.Counts(0, 1));
        }

        List<ConsumerRecord<String, DatasetItem>> items = cluster.read(cluster.topics().datasetsRaw(),
                read -> read.size() >= AdditionDataset.SIZE, TIMEOUT, Duration.ofSeconds(1));
        assertThat(items).hasSize(2500);
        assertThat(items).allSatisfy(r -> assertThat(r.key()).isEqualTo(r.value().getItemId()));
        Set<String> ids = items.stream().map(ConsumerRecord::key).collect(Collectors.toSet());
        assertThat(ids).hasSize(2500)
                .isEqualTo(addition.items().stream().map(DatasetItem::getItemId).collect(Collectors.toSet()));
        assertThat(items.stream().map(r -> r.partition()).distinct().count()).as("spread over the partitions").isEqualTo(3);

        List<ConsumerRecord<String, DeadLetter>> letters = cluster.read(cluster.topics().deadletter(),
                read -> !read.isEmpty(), TIMEOUT, Duration.ofSeconds(1));
        assertThat(letters).hasSize(1);
        DeadLetter letter = letters.get(0).value();
        assertThat(letters.get(0).key()).isEqualTo("nlp_survey.jsonl:12");
        assertThat(letter.getStage()).isEqualTo("ingest");
        assertThat(letter.getSource()).isEqualTo("nlp_survey.jsonl:12");
        assertThat(letter.getReason()).isEqualTo("line 12: invalid JSON");
        assertThat(letter.getOriginalKey()).isNull();
        ByteBuffer value = letter.getOriginalValue().duplicate();
        byte[] original = new byte[value.remaining()];
        value.get(original);
        assertThat(original).isEqualTo(badLine);
    }

    @Test
    void registersTargetsKeyedByIdAndTheLatestWins() {
        try (TargetRegistrar registrar = new TargetRegistrar(cluster.clientConfig(), cluster.topics())) {
            registrar.register(TargetRegistrar.target("base", "sim", "v1", "simulated",
                    Map.of("sycophancy", "0.8", "knowledge", "0.9")));
            registrar.register(TargetRegistrar.target("base", "sim", "v2", "simulated",
                    Map.of("sycophancy", "0.3", "knowledge", "0.9")));
        }
        List<ConsumerRecord<String, EvalTarget>> targets = cluster.read(cluster.topics().evalTargets(),
                read -> read.size() >= 2, TIMEOUT, Duration.ofSeconds(1));

        assertThat(targets).hasSize(2).allSatisfy(r -> assertThat(r.key()).isEqualTo("base"));
        assertThat(targets.stream().map(r -> r.partition()).distinct().count()).as("one key, one partition").isEqualTo(1);
        EvalTarget last = targets.get(1).value();
        assertThat(last.getCheckpoint()).isEqualTo("v2");
        assertThat(last.getParams()).containsEntry("sycophancy", "0.3");
        assertThat(last.getActive()).isTrue();
    }
}
