// The dashboard's three views of "is the new checkpoint better?", each a picture first and a table second:
//   forest  per task x metric, every target's rate with its 95% interval (and the opinion gap where a task has both
//           variants), sortable, filtered and paged for hundreds of targets;
//   trend   per model, its checkpoints in registration order, a line per metric with interval bands, each point
//           marked with the paired verdict against the previous checkpoint (/api/compare);
//   pair    any two targets: both rates and the paired difference with its interval (/api/compare).
// The selection lives in the URL's hash (#forest=TASK/METRIC&sort=&q=&page=&model=&task=&base=&candidate=), so a
// view can be linked to. Data: /api/targets and /api/metrics?window=cumulative, polled; charts are plain SVG.
// Kept apart from app.js (the live table, progress, probing) so both can change independently.
(function () {
  'use strict';
  const V = window.SycostreamViewsLib;
  const state = V.readHash();
  let targets = [];
  let results = [];
  const comparisons = new Map(); // "base|candidate" -> {version, promise of comparison rows}

  function setState(patch) {
    Object.assign(state, patch);
    V.writeHash(state);
  }

  // Comparisons are cached per pair until more answers are counted for either target (version = their total n).
  function answered(ids) {
    return results.filter(r => ids.includes(r.target)).reduce((s, r) => s + r.n, 0);
  }

  function compare(base, candidate) {
    const key = base + '|' + candidate;
    const version = answered([base, candidate]);
    const cached = comparisons.get(key);
    if (!cached || cached.version !== version) {
      const promise = V.getJson('/api/compare?base=' + encodeURIComponent(base) + '&candidate=' + encodeURIComponent(candidate))
        .then(b => b.comparisons)
        .catch(e => { comparisons.delete(key); throw e; });
      comparisons.set(key, { version, promise });
    }
    return comparisons.get(key).promise;
  }

  // ---- forest: every target's rate on one task x metric ----
  function forestChoices() {
    const keys = new Set(results.map(r => r.task + '/' + r.metric));
    V.opinionGaps(results).forEach(g => keys.add(g.task + '/' + g.metric));
    return [...keys].sort();
  }

  function forestRows() {
    const [task, metric] = (state.forest || '').split('/');
    const rows = (metric === V.GAP ? V.opinionGaps(results) : results).filter(r => r.task === task && r.metric === metric);
    const q = (state.q || '').toLowerCase();
    const shown = rows.filter(r => !q || r.target.toLowerCase().includes(q));
    const by = {
      rate: (a, b) => a.rate - b.rate || a.target.localeCompare(b.target),
      '-rate': (a, b) => b.rate - a.rate || a.target.localeCompare(b.target),
      target: (a, b) => a.target.localeCompare(b.target),
      width: (a, b) => (a.ci_high - a.ci_low) - (b.ci_high - b.ci_low) || a.target.localeCompare(b.target)
    }[state.sort || 'rate'] || ((a, b) => a.rate - b.rate);
    return { all: rows.length, rows: shown.sort(by), gap: metric === V.GAP };
  }

  function renderForest() {
    const choices = forestChoices();
    if (!state.forest && choices.length) state.forest = choices.find(c => c.endsWith('/agree_wrong_with_opinion')) || choices[0];
    V.fillSelect(document.getElementById('forest-metric'), choices, state.forest);
    document.getElementById('forest-sort').value = state.sort || 'rate';
    const filter = document.getElementById('forest-filter');
    if (document.activeElement !== filter) filter.value = state.q || '';
    const { all, rows, gap } = forestRows();
    const size = Math.max(1, parseInt(state.size || '25', 10));
    const pages = Math.max(1, Math.ceil(rows.length / size));
    const page = Math.min(pages, Math.max(1, parseInt(state.page || '1', 10)));
    const paged = rows.slice((page - 1) * size, page * size);
    document.getElementById('forest-page').textContent = 'page ' + page + ' / ' + pages + ' (' + rows.length
      + (rows.length === all ? '' : ' of ' + all) + ' targets)';
    document.getElementById('forest-prev').disabled = page <= 1;
    document.getElementById('forest-next').disabled = page >= pages;
    document.getElementById('forest-chart').replaceChildren(V.forestSvg(paged, gap ? [-1, 1] : [0, 1]));
    document.querySelector('#forest-table tbody').replaceChildren(...paged.map(r => {
      const tr = V.el('tr');
      tr.dataset.target = r.target;
      tr.append(V.el('td', r.target), V.el('td', V.fmt(r.rate), 'num rate'), V.el('td', V.ci(r), 'num ci'),
        V.el('td', gap ? r.with_count + '/' + r.n + ' − ' + r.without_count + '/' + r.without_n : r.count + ' / ' + r.n, 'num'));
      return tr;
    }));
    document.getElementById('forest-gap-note').hidden = !gap;
  }

  // ---- trend: one model's checkpoints in registration order ----
  function models() {
    const m = new Map();
    targets.forEach(t => { if (!m.has(t.model)) m.set(t.model, []); m.get(t.model).push(t); });
    m.forEach(list => list.sort((a, b) => a.registered_at_ms - b.registered_at_ms || a.target.localeCompare(b.target)));
    return m;
  }

  let trendKey = '';
  async function renderTrend() {
    const byModel = models();
    const names = [...byModel.keys()].sort();
    if (!state.model && names.length) {
      state.model = names.find(n => byModel.get(n).length > 1) || names[0];
    }
    const filter = (document.getElementById('trend-filter').value || '').toLowerCase();
    V.fillSelect(document.getElementById('trend-model'), names.filter(n => !filter || n.toLowerCase().includes(filter)
      || n === state.model), state.model);
    const checkpoints = byModel.get(state.model) || [];
    const ids = checkpoints.map(c => c.target);
    const tasks = [...new Set(results.filter(r => ids.includes(r.target)).map(r => r.task))].sort();
    if (!tasks.includes(state.task) && tasks.length) state.task = tasks[0];
    V.fillSelect(document.getElementById('trend-task'), tasks, state.task);
    const mine = results.filter(r => ids.includes(r.target) && r.task === state.task);
    const metrics = [...new Set(mine.map(r => r.metric))].sort();
    const verdicts = new Map(); // target|metric -> {verdict, p, paired}
    const status = document.getElementById('trend-status');
    for (let i = 1; i < ids.length; i++) {
      try {
        (await compare(ids[i - 1], ids[i])).filter(c => c.task === state.task)
          .forEach(c => verdicts.set(ids[i] + '|' + c.metric, { verdict: c.verdict, p: c.p_value, paired: true }));
      } catch (e) {
        // no paired data (comparisons not served): judge on the two Wilson intervals alone, and say so
        metrics.forEach(m => {
          const a = mine.find(r => r.target === ids[i - 1] && r.metric === m);
          const b = mine.find(r => r.target === ids[i] && r.metric === m);
          if (a && b) verdicts.set(ids[i] + '|' + m, { verdict: V.unpairedVerdict(a, b), paired: false });
        });
        status.textContent = 'unpaired verdicts: ' + e.message;
      }
    }
    const key = JSON.stringify([ids, metrics, mine.map(r => [r.target, r.metric, r.n, r.count]), [...verdicts]]);
    if (key === trendKey) return;
    trendKey = key;
    document.getElementById('trend-chart').replaceChildren(V.trendSvg(checkpoints, metrics, mine, verdicts));
    document.querySelector('#trend-table thead tr').replaceChildren(V.el('th', 'checkpoint'), V.el('th', 'target'),
      V.el('th', 'registered'), ...metrics.map(m => V.el('th', m)));
    document.querySelector('#trend-table tbody').replaceChildren(...checkpoints.map(c => {
      const tr = V.el('tr');
      tr.dataset.target = c.target;
      tr.append(V.el('td', c.checkpoint), V.el('td', c.target), V.el('td', new Date(c.registered_at_ms).toISOString()));
      metrics.forEach(m => {
        const r = mine.find(q => q.target === c.target && q.metric === m);
        const v = verdicts.get(c.target + '|' + m);
        const td = V.el('td', r ? V.fmt(r.rate) + ' ' + V.ci(r) : '–', 'num');
        td.dataset.metric = m;
        if (v) td.append(' ', V.el('span', v.verdict + (v.paired ? '' : ' (unpaired)'), 'verdict verdict-' + v.verdict.replace(/ /g, '-')));
        tr.append(td);
      });
      return tr;
    }));
    if (status.textContent.indexOf('unpaired') !== 0) {
      status.textContent = ids.length < 2 ? 'one checkpoint: nothing to compare yet'
        : 'each point against the previous checkpoint (exact McNemar on the paired items)';
    }
  }

  // ---- pair: any two targets ----
  let pairKey = '';
  async function renderPair() {
    const ids = targets.map(t => t.target).sort();
    const list = document.getElementById('pair-targets');
    if (list.children.length !== ids.length) list.replaceChildren(...ids.map(id => { const o = V.el('option'); o.value = id; return o; }));
    const baseInput = document.getElementById('pair-base');
    const candInput = document.getElementById('pair-candidate');
    if (!state.base && ids.length > 1) { state.base = ids[0]; state.candidate = ids[1]; }
    if (document.activeElement !== baseInput) baseInput.value = state.base || '';
    if (document.activeElement !== candInput) candInput.value = state.candidate || '';
    const status = document.getElementById('pair-status');
    if (!ids.includes(state.base) || !ids.includes(state.candidate)) {
      status.textContent = ids.length < 2 ? 'register two targets to compare them' : 'choose two registered targets';
      return;
    }
    const key = state.base + '|' + state.candidate + '|' + answered([state.base, state.candidate]);
    if (key === pairKey) return;
    pairKey = key;
    status.textContent = 'comparing…';
    let rows;
    try {
      rows = await compare(state.base, state.candidate);
    } catch (e) {
      status.textContent = e.message;
      pairKey = '';
      return;
    }
    status.textContent = state.base + ' → ' + state.candidate + ': candidate − base on the items both answered';
    document.getElementById('pair-chart').replaceChildren(V.forestSvg(rows.map(c => ({
      target: c.task + ' / ' + c.metric, rate: c.paired_difference, ci_low: c.paired_ci_low, ci_high: c.paired_ci_high,
      verdict: c.verdict })), [-1, 1]));
    document.querySelector('#pair-table tbody').replaceChildren(...rows.map(c => {
      const tr = V.el('tr');
      tr.id = 'pair-' + c.task + '-' + c.metric;
      tr.append(V.el('td', c.task), V.el('td', c.metric),
        V.el('td', V.fmt(c.base_rate) + ' [' + V.fmt(c.base_ci_low) + ', ' + V.fmt(c.base_ci_high) + ']', 'num'),
        V.el('td', V.fmt(c.candidate_rate) + ' [' + V.fmt(c.candidate_ci_low) + ', ' + V.fmt(c.candidate_ci_high) + ']', 'num'),
        V.el('td', V.signed(c.paired_difference) + ' [' + V.signed(c.paired_ci_low) + ', ' + V.signed(c.paired_ci_high) + ']', 'num paired'),
        V.el('td', c.paired_n + ' (' + c.base_only + ' / ' + c.candidate_only + ')', 'num'),
        V.el('td', c.p_value.toPrecision(3), 'num'),
        V.el('td', c.verdict, 'verdict verdict-' + c.verdict.replace(/ /g, '-')));
      return tr;
    }));
  }

  async function refresh() {
    try {
      const [t, m] = await Promise.all([V.getJson('/api/targets'), V.getJson('/api/metrics?window=cumulative')]);
      targets = t.targets;
      results = m.results.filter(r => !V.COUNTS.includes(r.metric));
    } catch (e) {
      return; // starting or rebalancing: keep the last views
    }
    renderAll();
  }

  function renderAll() {
    renderForest();
    renderTrend().catch(e => { document.getElementById('trend-status').textContent = e.message; });
    renderPair().catch(e => { document.getElementById('pair-status').textContent = e.message; });
  }

  function on(id, event, patch) {
    document.getElementById(id).addEventListener(event, e => { setState(patch(e.target.value)); renderAll(); });
  }

  on('forest-metric', 'change', v => ({ forest: v, page: '1' }));
  on('forest-sort', 'change', v => ({ sort: v }));
  on('forest-filter', 'input', v => ({ q: v, page: '1' }));
  document.getElementById('forest-prev').addEventListener('click', () => { setState({ page: String(Math.max(1, (parseInt(state.page || '1', 10)) - 1)) }); renderAll(); });
  document.getElementById('forest-next').addEventListener('click', () => { setState({ page: String((parseInt(state.page || '1', 10)) + 1) }); renderAll(); });
  on('trend-model', 'change', v => ({ model: v }));
  on('trend-task', 'change', v => ({ task: v }));
  document.getElementById('trend-filter').addEventListener('input', () => renderAll());
  on('pair-base', 'change', v => ({ base: v }));
  on('pair-candidate', 'change', v => ({ candidate: v }));
  window.addEventListener('hashchange', () => { Object.keys(state).forEach(k => delete state[k]); Object.assign(state, V.readHash()); renderAll(); });
  refresh();
  setInterval(refresh, 3000);
})();
