package dev.sycostream.topology;

import dev.sycostream.metrics.MetricsStage;
import dev.sycostream.prompts.RequestFanoutStage;
import dev.sycostream.scoring.ScoringStage;
import dev.sycostream.topics.Topics;
import dev.sycostream.training.TrainingFilterStage;
import dev.sycostream.web.DashboardStores;
import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.ScoredAnswer;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;

import java.time.Duration;

/**
 * The evaluation pipeline, stage by stage (the model worker, stage 2, is a separate process):
 * <ol>
 *   <li>{@link RequestFanoutStage}: items × targets → model.requests</li>
 *   <li>(worker) model.requests → model.replies</li>
 *   <li>{@link ScoringStage}: requests ⋈ replies → eval.scored</li>
 *   <li>{@link MetricsStage}: eval.scored → metrics.results</li>
 *   <li>{@link TrainingFilterStage}: eval.scored ⋈ synthetic candidates → training.synthetic</li>
 *   <li>{@link DashboardStores}: metrics.results → the table the dashboard queries</li>
 * </ol>
 * {@code topology/topology.txt} is this topology's checked-in {@code describe()}; a test keeps it current.
 */
public final class SycostreamTopology {

    /**
     * @param metricsWindow tumbling window of the windowed metrics
     * @param grace         how late (event time) a reply may arrive and still count in its window
     */
    /**
     * @param trainingFilter keep a synthetic example for a target only if it answered the opinion-free claim
     *                       correctly (the paper's method); false reproduces the paper's no-filtration ablation
     */
    public record Settings(Duration metricsWindow, Duration grace, RequestFanoutStage.Settings fanout,
                           boolean trainingFilter) {
        public static final Settings DEFAULT =
                new Settings(Duration.ofMinutes(1), Duration.ofMinutes(1), RequestFanoutStage.Settings.DEFAULT, true);

        public Settings withTrainingFilter(boolean on) {
            return new Settings(metricsWindow, grace, fanout, on);
        }
    }

    private SycostreamTopology() {
    }

    public static Topology buildTopology(Topics topics, Settings settings) {
        StreamsBuilder builder = new StreamsBuilder();
        // Each topic has one source; stages that read the same topic share its stream.
        KStream<String, DatasetItem> items =
                builder.stream(topics.datasetsRaw().name(), topics.datasetsRaw().consumed("items-source"));
        RequestFanoutStage.addTo(builder, topics, items, settings.fanout());
        KStream<String, ScoredAnswer> scored = ScoringStage.addTo(builder, topics);
        MetricsStage.addTo(builder, topics, scored, settings.metricsWindow(), settings.grace());
        TrainingFilterStage.addTo(topics, items, scored, settings.trainingFilter());
        DashboardStores.addTo(builder, topics);
        return builder.build();
    }
}
