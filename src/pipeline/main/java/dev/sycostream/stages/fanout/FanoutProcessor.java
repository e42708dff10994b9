package dev.sycostream.stages.fanout;

import dev.sycostream.identity.ItemIdentity;
import dev.sycostream.prompts.RequestIds;

import dev.sycostream.prompts.PromptRenderer;
import dev.sycostream.prompts.PromptVariant;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.EvalTarget;
import dev.sycostream.avro.FanoutProgressState;
import dev.sycostream.avro.ModelRequest;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Items × targets → requests. Two triggers:
 * <ul>
 *   <li>an item arrives: it is stored, then sent to every active target whose scan of this task's items has
 *       already passed its key (targets still being scanned will reach it);</li>
 *   <li>a wall-clock punctuation: every active target not yet scanned in this task (new, or registered again)
 *       is sent the stored items in key order, a bounded chunk per punctuation so a large backlog never
 *       blocks the task or its commits.</li>
 * </ul>
 * An item ingested again with the same content (so the same id) is stored again (its provenance may be newer) but
 * not sent again. A tombstone retires an item: it leaves the store, so no target is sent it from then on.
 * An item that cannot be rendered throws before it is stored; the processing exception handler dead-letters
 * it with the reason.
 */
final class FanoutProcessor implements Processor<String, DatasetItem, String, ModelRequest> {
    private final RequestFanoutStage.Settings settings;
    private ProcessorContext<String, ModelRequest> context;
    private KeyValueStore<String, DatasetItem> items;
    private KeyValueStore<String, FanoutProgressState> progress;
    private ReadOnlyKeyValueStore<String, EvalTarget> targets;

    FanoutProcessor(RequestFanoutStage.Settings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, ModelRequest> context) {
        this.context = context;
        items = context.getStateStore(RequestFanoutStage.ITEMS_STORE);
        progress = context.getStateStore(RequestFanoutStage.PROGRESS_STORE);
        targets = context.getStateStore(RequestFanoutStage.TARGETS_STORE);
        context.schedule(settings.scanInterval(), PunctuationType.WALL_CLOCK_TIME, now -> scanNewTargets());
    }

    @Override
    public void process(Record<String, DatasetItem> record) {
        if (record.value() == null) {
            retire(record.key(), record.timestamp());
            return;
        }
        List<PromptVariant> variants = PromptRenderer.render(record.value());
        DatasetItem previous = items.get(record.key());
        items.put(record.key(), record.value());
        if (previous != null && ItemIdentity.of(previous).equals(ItemIdentity.of(record.value()))) {
            // Ingested again unchanged: every target whose scan passed it was sent it, the others will reach it.
            return;
        }
        try (KeyValueIterator<String, EvalTarget> it = targets.all()) {
            while (it.hasNext()) {
                EvalTarget target = it.next().value;
                FanoutProgress fp = target.getActive() ? FanoutProgress.fromState(progress.get(target.getTargetId())) : null;
                if (fp != null && fp.registeredAtMs() == target.getRegisteredAtMs() && fp.covers(record.key())) {
                    emit(target, record.value(), variants, record.timestamp());
                }
            }
        }
    }

    /** Advances the scan of every target that has not yet seen all stored items, within the chunk budget. */
    private void scanNewTargets() {
        int budget = settings.chunkSize();
        Set<String> live = new HashSet<>();
        try (KeyValueIterator<String, EvalTarget> it = targets.all()) {
            while (it.hasNext()) {
                EvalTarget target = it.next().value;
                if (!target.getActive()) {
                    continue; // its progress is dropped below, so reactivating it rescans everything
                }
                live.add(target.getTargetId());
                if (budget > 0) {
                    budget = scan(target, budget);
                }
            }
        }
        List<String> stale = new java.util.ArrayList<>();
        try (KeyValueIterator<String, FanoutProgressState> it = progress.all()) {
            it.forEachRemaining(kv -> {
                if (!live.contains(kv.key)) {
                    stale.add(kv.key);
                }
            });
        }
        stale.forEach(progress::delete);
    }

    private int scan(EvalTarget target, int budget) {
        FanoutProgress fp = FanoutProgress.fromState(progress.get(target.getTargetId()));
        if (fp == null || fp.registeredAtMs() != target.getRegisteredAtMs()) {
            fp = FanoutProgress.started(target.getRegisteredAtMs());
        } else if (fp.done()) {
            return budget;
        }
        long now = context.currentSystemTimeMs();
        String last = fp.cursor();
        boolean exhausted = true;
        try (KeyValueIterator<String, DatasetItem> it = fp.cursor().isEmpty() ? items.all() : items.range(fp.cursor(), null)) {
            while (it.hasNext()) {
                var kv = it.next();
                if (kv.key.equals(fp.cursor())) {
                    continue; // the range is inclusive; the cursor item was sent already
                }
                if (budget == 0) {
                    exhausted = false;
                    break;
                }
                emit(target, kv.value, PromptRenderer.render(kv.value), now);
                last = kv.key;
                budget--;
            }
        }
        FanoutProgress next = fp.advancedTo(last);
        progress.put(target.getTargetId(), (exhausted ? next.finished() : next).toState());
        return budget;
    }

    /**
     * A tombstone retires the item: it leaves the store, and every target's requests for it are replaced by retired
     * copies, which the worker skips and the scoring stage turns into retractions of answers already counted.
     */
    private void retire(String itemId, long timestamp) {
        DatasetItem item = items.get(itemId);
        if (item == null) {
            return; // unknown here, or retired already
        }
        items.delete(itemId);
        List<PromptVariant> variants = PromptRenderer.render(item);
        try (KeyValueIterator<String, EvalTarget> it = targets.all()) {
            while (it.hasNext()) {
                emit(it.next().value, item, variants, timestamp, true);
            }
        }
    }

    private void emit(EvalTarget target, DatasetItem item, List<PromptVariant> variants, long timestamp) {
        emit(target, item, variants, timestamp, false);
    }

    private void emit(EvalTarget target, DatasetItem item, List<PromptVariant> variants, long timestamp, boolean retired) {
        long now = context.currentSystemTimeMs();
        for (PromptVariant v : variants) {
            String id = RequestIds.of(target.getTargetId(), item.getItemId(), v.variant());
            ModelRequest request = ModelRequest.newBuilder()
                    .setRequestId(id)
                    .setTargetId(target.getTargetId())
                    .setItemId(item.getItemId())
                    .setTask(item.getTask())
                    .setVariant(v.variant())
                    .setPrompt(v.prompt())
                    .setChoices(v.choices())
                    .setUserAnswer(v.userAnswer())
                    .setCorrectAnswer(v.correctAnswer())
                    .setFreeForm(v.freeForm())
                    .setBackend(target.getBackend())
                    .setBackendParams(target.getParams())
                    .setCreatedAtMs(now)
                    .setRetired(retired)
                    // a multiple-choice turn 1 names the turn 2s the pushback stage asks once it is answered
                    .setPushback(item.getMultipleChoice() == null ? List.of() : item.getMultipleChoice().getPushback())
                    .build();
            context.forward(new Record<>(id, request, timestamp));
        }
    }
}
