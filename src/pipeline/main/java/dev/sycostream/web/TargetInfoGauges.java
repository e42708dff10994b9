package dev.sycostream.web;

import dev.sycostream.avro.EvalTarget;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a target is, as Prometheus series, so that dashboards can group the rate series (labelled by target only)
 * by model and order a model's checkpoints:
 * <ul>
 *   <li>{@code sycostream_target_info{target, model, checkpoint, backend} 1}, joined with
 *       {@code * on(target) group_left(model, checkpoint)};</li>
 *   <li>{@code sycostream_target_registered_seconds{target, model, checkpoint}}: when the target was registered
 *       (Unix seconds), the order of a model's checkpoints.</li>
 * </ul>
 */
final class TargetInfoGauges {
    private final MeterRegistry registry;
    /** target id → its current labels' key and meters. */
    private final Map<String, Registered> meters = new ConcurrentHashMap<>();

    private record Registered(String labels, List<Meter> meters) {
    }

    TargetInfoGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Series for these targets; a target gone or re-registered under other labels loses its old series. */
    synchronized void update(Collection<EvalTarget> targets) {
        Map<String, EvalTarget> next = new HashMap<>();
        targets.forEach(t -> next.put(t.getTargetId(), t));
        for (String id : List.copyOf(meters.keySet())) {
            EvalTarget t = next.get(id);
            if (t == null || !labels(t).equals(meters.get(id).labels())) {
                meters.remove(id).meters().forEach(registry::remove);
            }
        }
        next.forEach((id, t) -> meters.computeIfAbsent(id, k -> register(t)));
    }

    private static String labels(EvalTarget t) {
        return t.getModel() + "\u0000" + t.getCheckpoint() + "\u0000" + t.getBackend() + "\u0000" + t.getRegisteredAtMs();
    }

    private Registered register(EvalTarget t) {
        Tags tags = Tags.of("target", t.getTargetId(), "model", t.getModel(), "checkpoint", t.getCheckpoint());
        double registeredSeconds = t.getRegisteredAtMs() / 1000.0;
        List<Meter> list = List.of(
                Gauge.builder("sycostream.target.info", () -> 1).tags(tags.and("backend", t.getBackend()))
                        .description("A registered target: its model, checkpoint and backend as labels").register(registry),
                Gauge.builder("sycostream.target.registered.seconds", () -> registeredSeconds).tags(tags)
                        .description("When the target was registered (Unix seconds): the order of a model's checkpoints")
                        .register(registry));
        return new Registered(labels(t), list);
    }
}
