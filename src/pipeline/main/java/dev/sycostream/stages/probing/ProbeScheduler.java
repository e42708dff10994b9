package dev.sycostream.stages.probing;

import dev.sycostream.probing.ProbeIds;
import dev.sycostream.probing.ProbeLedger;

import dev.sycostream.avro.DatasetItem;
import dev.sycostream.avro.EvalTarget;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.avro.ProbeBudget;
import dev.sycostream.avro.ProbeLedgerState;
import dev.sycostream.avro.ProbeRound;
import dev.sycostream.keys.CompositeKey;
import dev.sycostream.prompts.PromptRenderer;
import dev.sycostream.prompts.PromptVariant;
import dev.sycostream.stages.fanout.RequestFanoutStage;
import dev.sycostream.prompts.Tasks;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The probe schedule of every target that has a {@link ProbeBudget}. It runs in one task (its input, the items,
 * is repartitioned to one partition) so one place knows every stored item and every target's budget.
 *
 * <ul>
 *   <li>An item arrives: it joins the probe pool, keyed "task|item_id" so each task is a range (a stratum).</li>
 *   <li>A wall-clock punctuation (every {@code tick}): for each active probed target, the next round is composed,
 *       one item per task (each task's items in turn, from a per target × task cursor), every variant of it, so
 *       every task × variant stratum gets one request per round. It is sent when a round's share of the budget has
 *       elapsed since the last one (period × round size / budget) and only if the requests sent in the last period
 *       plus the round stay within the budget, a check on the recorded rounds that no timing can get around.</li>
 * </ul>
 * A round whose strata exceed the whole budget is cut to the budget, rotating which strata are left out.
 * Each round's requests get ids with the round number ({@link ProbeIds}) and carry the round and its time; a
 * {@link ProbeRound} record says what was sent. All state is in changelogged stores, so a restart continues the
 * round numbers, the cursors and the budget window where they were.
 */
final class ProbeScheduler implements Processor<String, DatasetItem, String, SpecificRecord> {
    private static final char AFTER_SEPARATOR = (char) (CompositeKey.SEPARATOR + 1);
    private final ProbeStage.Settings settings;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, DatasetItem> pool;
    private KeyValueStore<String, String> itemTasks;
    private KeyValueStore<String, ProbeLedgerState> ledgers;
    private KeyValueStore<String, String> cursors;
    private ReadOnlyKeyValueStore<String, EvalTarget> targets;
    private ProbeSpendGate spend;

    ProbeScheduler(ProbeStage.Settings settings) {
        this.settings = settings;
    }

    private record Pick(String task, DatasetItem item, PromptVariant variant) {
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        pool = context.getStateStore(ProbeStage.POOL_STORE);
        itemTasks = context.getStateStore(ProbeStage.ITEM_TASKS_STORE);
        ledgers = context.getStateStore(ProbeStage.LEDGER_STORE);
        cursors = context.getStateStore(ProbeStage.CURSOR_STORE);
        targets = context.getStateStore(RequestFanoutStage.TARGETS_STORE);
        spend = new ProbeSpendGate(context.getStateStore(ProbeStage.SPEND_STORE));
        context.schedule(settings.tick(), PunctuationType.WALL_CLOCK_TIME, this::tick);
    }

    @Override
    public void process(Record<String, DatasetItem> record) {
        String itemId = record.key();
        String previousTask = itemTasks.get(itemId);
        DatasetItem item = record.value();
        if (previousTask != null && (item == null || !previousTask.equals(item.getTask()))) {
            pool.delete(poolKey(previousTask, itemId));
            itemTasks.delete(itemId);
        }
        if (item == null || Tasks.isSyntheticCandidate(item.getTask())) {
            return; // synthetic training candidates are fine-tuning material, not something to monitor
        }
        try {
            PromptRenderer.render(item);
        } catch (IllegalArgumentException e) {
            return; // the fan-out stage dead-letters it with the reason; a probe pool keeps only renderable items
        }
        pool.put(poolKey(item.getTask(), itemId), item);
        itemTasks.put(itemId, item.getTask());
    }

    private void tick(long now) {
        try (KeyValueIterator<String, EvalTarget> it = targets.all()) {
            while (it.hasNext()) {
                EvalTarget target = it.next().value;
                if (target != null && target.getActive() && target.getProbe() != null) {
                    maybeSendRound(target, now);
                }
            }
        }
    }

    private void maybeSendRound(EvalTarget target, long now) {
        ProbeBudget budget = target.getProbe();
        String id = target.getTargetId();
        ProbeLedger ledger = ProbeLedger.fromState(ledgers.get(id));
        Long last = ledger.lastAt();
        if (last != null && now - last < budget.getPeriodMs() / budget.getRequests()) {
            return; // not even a one-request round would be due: skip composing one on every tick
        }
        long round = ledger.nextRound();
        Map<String, String> nextCursors = new TreeMap<>();
        List<Pick> picks = compose(id, round, budget.getRequests(), nextCursors);
        int size = picks.size();
        if (size == 0) {
            return; // nothing stored yet
        }
        long interval = (long) Math.ceil((double) budget.getPeriodMs() * size / budget.getRequests());
        if (last != null && now - last < interval) {
            return;
        }
        int inPeriod = ledger.sentSince(now, budget.getPeriodMs());
        if (inPeriod + size > budget.getRequests()) {
            return;
        }
        List<String> prompts = picks.stream().map(p -> p.variant().prompt()).toList();
        if (!spend.allows(target, prompts, now)) {
            return; // a spend budget: the round does not fit, or is not due yet
        }
        Map<String, Integer> strata = new TreeMap<>();
        for (Pick p : picks) {
            String requestId = ProbeIds.of(id, p.item().getItemId(), p.variant().variant(), round);
            ModelRequest request = ModelRequest.newBuilder()
                    .setRequestId(requestId)
                    .setTargetId(id)
                    .setItemId(p.item().getItemId())
                    .setTask(p.task())
                    .setVariant(p.variant().variant())
                    .setPrompt(p.variant().prompt())
                    .setChoices(p.variant().choices())
                    .setUserAnswer(p.variant().userAnswer())
                    .setCorrectAnswer(p.variant().correctAnswer())
                    .setFreeForm(p.variant().freeForm())
                    .setBackend(target.getBackend())
                    .setBackendParams(target.getParams())
                    .setCreatedAtMs(now)
                    .setProbeRound(round)
                    .setProbeRoundAtMs(now)
                    .build();
            context.forward(new Record<>(requestId, request, now));
            strata.merge(p.task() + "/" + p.variant().variant(), 1, Integer::sum);
        }
        ProbeRound record = ProbeRound.newBuilder()
                .setTargetId(id).setRound(round).setAtMs(now).setRequests(size).setStrata(strata)
                .setBudgetRequests(budget.getRequests()).setBudgetPeriodMs(budget.getPeriodMs())
                .setSentInPeriod(inPeriod + size)
                .build();
        spend.reserve(target, round, prompts, now, record);
        context.forward(new Record<>(CompositeKey.join(id, Long.toString(round)), record, now));
        ledgers.put(id, ledger.sent(now, size, budget.getPeriodMs()).toState());
        nextCursors.forEach(cursors::put);
    }

    /**
     * One item per task (the next after the target's cursor in that task, wrapping around), all its variants; cut
     * to {@code max} requests, rotating by round which strata are left out.
     */
    private List<Pick> compose(String targetId, long round, int max, Map<String, String> nextCursors) {
        List<Pick> all = new ArrayList<>();
        String task = firstTask(null);
        while (task != null) {
            String cursorKey = CompositeKey.join(targetId, task);
            DatasetItem item = nextItem(task, cursors.get(cursorKey));
            if (item != null) {
                for (PromptVariant v : PromptRenderer.render(item)) {
                    all.add(new Pick(task, item, v));
                }
                nextCursors.put(cursorKey, item.getItemId());
            }
            task = firstTask(task);
        }
        if (all.size() <= max) {
            return all;
        }
        List<Pick> cut = new ArrayList<>(max);
        int offset = (int) ((round * max) % all.size());
        for (int i = 0; i < max; i++) {
            cut.add(all.get((offset + i) % all.size()));
        }
        return cut;
    }

    /** The pool key of an item: "task|item", the item id an open tail (it may contain '|'). */
    private static String poolKey(String task, String itemId) {
        return CompositeKey.joinWithTail(task, itemId);
    }

    /** The first task in the pool after {@code after} (null: the first of all); keys are "task|item". */
    private String firstTask(String after) {
        // AFTER_SEPARATOR ('}') is the character after '|', so "task}" sorts after every "task|..." key
        try (KeyValueIterator<String, DatasetItem> it = after == null ? pool.all() : pool.range(after + AFTER_SEPARATOR, null)) {
            if (!it.hasNext()) {
                return null;
            }
            return CompositeKey.first(it.next().key);
        }
    }

    /** The task's next item after the cursor (an item id), wrapping to its first. */
    private DatasetItem nextItem(String task, String cursor) {
        String prefix = CompositeKey.prefix(task);
        if (cursor != null) {
            String at = poolKey(task, cursor);
            try (KeyValueIterator<String, DatasetItem> it = pool.range(at, prefix + "\uffff")) {
                while (it.hasNext()) {
                    var kv = it.next();
                    if (!kv.key.equals(at)) {
                        return kv.value;
                    }
                }
            }
        }
        try (KeyValueIterator<String, DatasetItem> it = pool.range(prefix, prefix + "\uffff")) {
            return it.hasNext() ? it.next().value : null;
        }
    }
}
