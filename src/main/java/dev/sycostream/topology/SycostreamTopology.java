package dev.sycostream.topology;

import dev.sycostream.metrics.MetricsStage;
import dev.sycostream.prompts.RequestFanoutStage;
import dev.sycostream.scoring.ScoringStage;
import dev.sycostream.topics.Topics;
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
 * </ol>
 * {@code topology/topology.txt} is this topology's checked-in {@code describe()}; a test keeps it current.
 */
public final class SycostreamTopology {

    /**
     * @param metricsWindow tumbling window of the windowed metrics
     * @param grace         how late (event time) a reply may arrive and still count in its window
     */
    public record Settings(Duration metricsWindow, Duration grace, RequestFanoutStage.Settings fanout) {
        public static final Settings DEFAULT =
                new Settings(Duration.ofMinutes(1), Duration.ofMinutes(1), RequestFanoutStage.Settings.DEFAULT);
    }

    private SycostreamTopology() {
    }

    public static Topology buildTopology(Topics topics, Settings settings) {
        StreamsBuilder builder = new StreamsBuilder();
        RequestFanoutStage.addTo(builder, topics, settings.fanout());
        ScoringStage.addTo(builder, topics);
        MetricsStage.addTo(builder, topics, settings.metricsWindow(), settings.grace());
        return builder.build();
    }
}
