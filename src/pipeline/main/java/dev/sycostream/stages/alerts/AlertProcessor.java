package dev.sycostream.stages.alerts;

import dev.sycostream.alerts.AlertRule;

import dev.sycostream.avro.Alert;
import dev.sycostream.avro.MetricResult;
import dev.sycostream.keys.AlertKey;
import dev.sycostream.metrics.MetricNames;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.List;

/**
 * Judges every cumulative result against the rules. The store holds, per rule × target × task × metric, whether
 * the rule is currently firing, so an alert is written once when the rule starts to hold (firing = true) and once
 * when it stops (firing = false), never again while it keeps holding. The results topic is keyed by
 * target|task|metric|window, so one metric's cumulative updates all reach the same task and store.
 */
final class AlertProcessor implements Processor<String, MetricResult, String, Alert> {
    private final List<AlertRule> rules;
    private ProcessorContext<String, Alert> context;
    private KeyValueStore<String, Long> firing;

    AlertProcessor(List<AlertRule> rules) {
        this.rules = rules;
    }

    @Override
    public void init(ProcessorContext<String, Alert> context) {
        this.context = context;
        this.firing = context.getStateStore(AlertStage.FIRING_STORE);
    }

    @Override
    public void process(Record<String, MetricResult> record) {
        MetricResult r = record.value();
        if (r == null || !MetricNames.CUMULATIVE.equals(r.getWindow())) {
            return;
        }
        for (AlertRule rule : rules) {
            if (!rule.appliesTo(r)) {
                continue;
            }
            String key = new AlertKey(rule.text(), r.getTargetId(), r.getTask(), r.getMetric()).encode();
            boolean was = firing.get(key) != null;
            boolean now = rule.holds(r);
            if (now == was) {
                continue;
            }
            if (now) {
                firing.put(key, record.timestamp());
            } else {
                firing.delete(key);
            }
            Alert alert = Alert.newBuilder()
                    .setRule(rule.text()).setTargetId(r.getTargetId()).setTask(r.getTask()).setMetric(r.getMetric())
                    .setComparator(rule.comparator()).setThreshold(rule.threshold()).setFiring(now)
                    .setJudgedBound(rule.judgedBound(r)).setCount(r.getCount()).setN(r.getN()).setRate(r.getRate())
                    .setCiLow(r.getCiLow()).setCiHigh(r.getCiHigh()).setAtMs(record.timestamp())
                    .build();
            context.forward(new Record<>(key, alert, record.timestamp()));
        }
    }
}
