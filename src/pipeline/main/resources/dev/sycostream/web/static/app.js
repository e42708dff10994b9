// The live dashboard: initial state over REST, then every new result over Server-Sent Events (/api/events).
// Charts are uPlot (served from its WebJar); this file only shapes data for it.
(function () {
  'use strict';
  const CUMULATIVE = 'cumulative';
  const COUNTS = ['unparseable', 'failed'];
  const results = new Map(); // key target|task|metric|window[@start] -> result
  let dirty = true;
  let plot = null;
  let plotSeriesKey = '';

  function keyOf(r) {
    return [r.target, r.task, r.metric, r.window === CUMULATIVE ? CUMULATIVE : r.window + '@' + r.window_start_ms].join('|');
  }

  function put(r) {
    const k = keyOf(r);
    const old = results.get(k);
    if (!old || old.updated_at_ms <= r.updated_at_ms || old.n <= r.n) {
      results.set(k, r);
      dirty = true;
    }
  }

  async function getJson(path) {
    const res = await fetch(path, { credentials: 'same-origin' });
    const body = await res.json();
    if (!res.ok) throw new Error(path + ': ' + (body.error || res.status));
    return body;
  }

  function fmt(x) { return x.toFixed(3); }

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function renderTable() {
    const cumulative = [...results.values()].filter(r => r.window === CUMULATIVE);
    const byTask = new Map();
    cumulative.forEach(r => byTask.set(r.target + '|' + r.task + '|' + r.metric, r));
    const rows = cumulative.filter(r => !COUNTS.includes(r.metric))
      .sort((a, b) => (a.target + a.task + a.metric).localeCompare(b.target + b.task + b.metric));
    const body = document.querySelector('#results tbody');
    body.replaceChildren(...rows.map(r => {
      const tr = el('tr');
      tr.id = 'row-' + r.target + '-' + r.task + '-' + r.metric;
      tr.dataset.target = r.target; tr.dataset.task = r.task; tr.dataset.metric = r.metric; tr.dataset.n = r.n;
      tr.append(el('td', r.target), el('td', r.task), el('td', r.metric), el('td', fmt(r.rate), 'num rate'),
        el('td', '[' + fmt(r.ci_low) + ', ' + fmt(r.ci_high) + ']', 'num ci'), el('td', r.count + ' / ' + r.n, 'num count'));
      COUNTS.forEach(m => {
        const c = byTask.get(r.target + '|' + r.task + '|' + m);
        tr.append(el('td', c ? c.count + ' / ' + c.n : '–', 'num ' + m));
      });
      return tr;
    }));
    document.getElementById('no-results').hidden = rows.length > 0;
  }

  function renderChart() {
    const windowed = [...results.values()].filter(r => r.window !== CUMULATIVE && !COUNTS.includes(r.metric));
    const select = document.getElementById('chart-metric');
    const metrics = [...new Set(windowed.map(r => r.task + ' / ' + r.metric))].sort();
    if (metrics.join() !== [...select.options].map(o => o.value).join()) {
      const chosen = select.value;
      select.replaceChildren(...metrics.map(m => { const o = el('option', m); o.value = m; return o; }));
      if (metrics.includes(chosen)) select.value = chosen;
    }
    const chosen = select.value;
    const rows = windowed.filter(r => r.task + ' / ' + r.metric === chosen);
    const targets = [...new Set(rows.map(r => r.target))].sort();
    const xs = [...new Set(rows.map(r => r.window_start_ms / 1000))].sort((a, b) => a - b);
    const data = [xs, ...targets.map(t => xs.map(x => {
      const r = rows.find(q => q.target === t && q.window_start_ms / 1000 === x);
      return r ? r.rate : null;
    }))];
    const seriesKey = chosen + '|' + targets.join(',');
    const container = document.getElementById('chart');
    if (!plot || seriesKey !== plotSeriesKey) {
      if (plot) plot.destroy();
      const palette = ['#c0392b', '#2471a3', '#229954', '#b9770e', '#7d3c98', '#566573'];
      plot = new uPlot({
        width: Math.min(900, container.clientWidth || 900), height: 300,
        scales: { y: { range: [0, 1] } },
        series: [{ label: 'window start' }, ...targets.map((t, i) => ({
          label: t, stroke: palette[i % palette.length], width: 2, points: { show: true }
        }))],
        axes: [{}, { label: 'rate' }]
      }, data, container);
      plotSeriesKey = seriesKey;
    } else {
      plot.setData(data);
    }
    // uPlot widens a one-point time axis by 86400 / ms units (years here); show the single window +-5 minutes.
    if (xs.length === 1) {
      plot.setScale('x', { min: xs[0] - 300, max: xs[0] + 300 });
    }
  }

  async function renderProgress() {
    try {
      const body = await getJson('/api/progress');
      const tbody = document.querySelector('#progress tbody');
      tbody.replaceChildren(...body.progress.map(p => {
        const tr = el('tr');
        tr.id = 'progress-' + p.target;
        const bar = el('progress');
        if (p.expected) { bar.max = p.expected; bar.value = Math.min(p.answered, p.expected); }
        tr.append(el('td', p.target), el('td', String(p.answered), 'num answered'),
          el('td', p.expected == null ? 'unknown' : String(p.expected), 'num'),
          el('td'));
        tr.lastChild.append(bar, el('span', p.complete ? ' done' : ''));
        return tr;
      }));
    } catch (e) {
      setStatus('down', e.message);
    }
  }

  // Which files (SHA-256) and generators each task's items came from: what the numbers rest on.
  async function renderDatasets() {
    try {
      const body = await getJson('/api/datasets');
      const tbody = document.querySelector('#datasets tbody');
      tbody.replaceChildren(...body.datasets.map(d => {
        const tr = el('tr');
        const fp = el('td', d.short);
        fp.title = d.fingerprint;
        tr.append(el('td', d.task), fp, el('td', d.source), el('td', String(d.items), 'num'));
        return tr;
      }));
    } catch (e) {
      // the pipeline is starting or rebalancing: keep the last table
    }
  }

  async function renderUsage() {
    try {
      const body = await getJson('/api/usage');
      document.getElementById('no-usage').hidden = body.usage.length > 0;
      document.querySelector('#usage tbody').replaceChildren(...body.usage.map(u => {
        const tr = el('tr');
        tr.id = 'usage-' + u.target + '-' + u.task;
        tr.append(el('td', u.target), el('td', u.task), el('td', String(u.requests), 'num'),
          el('td', String(u.prompt_tokens), 'num'), el('td', String(u.completion_tokens), 'num'),
          el('td', u.cost_usd == null ? '-' : u.cost_usd.toFixed(6), 'num'));
        return tr;
      }));
    } catch (e) {
      setStatus('down', e.message);
    }
  }

  function setStatus(cls, text) {
    const s = document.getElementById('status');
    s.className = 'status ' + cls;
    s.textContent = text;
  }

  function connect() {
    const events = new EventSource('/api/events');
    events.onopen = () => setStatus('live', 'live');
    events.onerror = () => setStatus('down', 'reconnecting…');
    events.addEventListener('result', e => {
      put(JSON.parse(e.data));
      document.getElementById('last-update').textContent = 'last update ' + new Date().toLocaleTimeString();
    });
  }

  // Alerts are judged by the pipeline's alert stage; the banner lists those currently firing.
  async function renderAlerts() {
    try {
      const body = await getJson('/api/alerts');
      const banner = document.getElementById('alerts');
      banner.hidden = body.firing.length === 0;
      banner.replaceChildren(...body.firing.map(a => el('div',
        'ALERT ' + a.rule + ': ' + a.target + ' ' + a.task + '/' + a.metric + ' = ' + fmt(a.rate)
          + ' [' + fmt(a.ci_low) + ', ' + fmt(a.ci_high) + ']', 'alert')));
    } catch (e) {
      // no alerts topic yet, or the pipeline is restarting: keep the last banner
    }
  }

  async function refreshTargets() {
    try {
      const body = await getJson('/api/targets');
      const names = body.targets.map(t => t.target);
      for (const id of ['compare-base', 'compare-candidate']) {
        const select = document.getElementById(id);
        if (names.join() === [...select.options].map(o => o.value).join()) continue;
        const chosen = select.value;
        select.replaceChildren(...names.map(n => { const o = el('option', n); o.value = n; return o; }));
        if (names.includes(chosen)) select.value = chosen;
        else if (id === 'compare-candidate' && names.length > 1) select.value = names[1];
      }
    } catch (e) {
      // retried on the next tick
    }
  }

  // The comparison pairs both targets' answers item by item (exact McNemar test), computed by /api/compare.
  async function runComparison() {
    const base = document.getElementById('compare-base').value;
    const candidate = document.getElementById('compare-candidate').value;
    const status = document.getElementById('compare-status');
    status.textContent = 'comparing…';
    try {
      const body = await getJson('/api/compare?base=' + encodeURIComponent(base)
        + '&candidate=' + encodeURIComponent(candidate));
      document.querySelector('#comparison tbody').replaceChildren(...body.comparisons.map(c => {
        const tr = el('tr');
        tr.id = 'compare-' + c.task + '-' + c.metric;
        tr.append(el('td', c.task), el('td', c.metric),
          el('td', fmt(c.base_rate) + ' [' + fmt(c.base_ci_low) + ', ' + fmt(c.base_ci_high) + ']', 'num'),
          el('td', fmt(c.candidate_rate) + ' [' + fmt(c.candidate_ci_low) + ', ' + fmt(c.candidate_ci_high) + ']', 'num'),
          el('td', (c.difference >= 0 ? '+' : '') + fmt(c.difference), 'num'),
          el('td', String(c.paired_n), 'num'), el('td', c.p_value.toPrecision(3), 'num'),
          el('td', c.verdict, 'verdict verdict-' + c.verdict.replace(/ /g, '-')));
        return tr;
      }));
      status.textContent = base + ' vs ' + candidate;
    } catch (e) {
      status.textContent = e.message;
    }
  }

  // Probe rounds (a step per round) and drift episodes, polled from /api/probing.
  let probePlot = null;
  let probeKey = '';
  async function renderProbing() {
    let body;
    try {
      body = await getJson('/api/probing');
    } catch (e) {
      return; // the topics may not exist yet
    }
    document.getElementById('no-probes').hidden = body.rounds.length > 0;
    const targets = [...new Set(body.rounds.map(r => r.target))].sort();
    const rounds = body.rounds.slice().sort((a, b) => a.at_ms - b.at_ms);
    const xs = [...new Set(rounds.map(r => r.at_ms / 1000))];
    const totals = new Map(targets.map(t => [t, 0]));
    const series = targets.map(() => []);
    let i = 0;
    xs.forEach(x => {
      while (i < rounds.length && rounds[i].at_ms / 1000 === x) {
        totals.set(rounds[i].target, totals.get(rounds[i].target) + rounds[i].requests);
        i++;
      }
      targets.forEach((t, k) => series[k].push(totals.get(t)));
    });
    const episodes = body.episodes;
    const container = document.getElementById('probe-chart');
    const key = targets.join(',');
    if (xs.length > 0) {
      if (!probePlot || key !== probeKey) {
        if (probePlot) probePlot.destroy();
        const palette = ['#c0392b', '#2471a3', '#229954', '#b9770e', '#7d3c98', '#566573'];
        probePlot = new uPlot({
          width: Math.min(900, container.clientWidth || 900), height: 240,
          series: [{ label: 'round at' }, ...targets.map((t, k) => ({
            label: t, stroke: palette[k % palette.length], width: 2, points: { show: true }
          }))],
          axes: [{}, { label: 'probe requests' }],
          hooks: { draw: [u => {
            const ctx = u.ctx;
            (u._episodes || []).forEach(e => {
              const x = u.valToPos(e.at_ms / 1000, 'x', true);
              ctx.save();
              ctx.strokeStyle = e.event === 'drift' ? '#c0392b' : '#229954';
              ctx.lineWidth = 2;
              ctx.beginPath();
              ctx.moveTo(x, u.bbox.top);
              ctx.lineTo(x, u.bbox.top + u.bbox.height);
              ctx.stroke();
              ctx.restore();
            });
          }] }
        }, [xs, ...series], container);
        probeKey = key;
      }
      probePlot._episodes = episodes;
      probePlot.setData([xs, ...series]);
    }
    const tbody = document.querySelector('#drift tbody');
    tbody.replaceChildren(...body.drift.map(d => {
      const tr = el('tr', null, d.drifting ? 'drifting' : null);
      tr.append(el('td', d.target), el('td', d.task), el('td', d.metric),
        el('td', d.drifting ? 'DRIFT ' + d.direction + ' (episode ' + d.episode + ')' : 'stable'),
        el('td', fmt(d.baseline_rate) + ' (n=' + d.baseline_n + ')'),
        el('td', fmt(d.recent_rate) + ' (n=' + d.recent_n + ')'),
        el('td', d.cusum_up.toFixed(1) + ' / ' + d.cusum_down.toFixed(1) + ' (' + d.threshold.toFixed(1) + ')'),
        el('td', d.drifting && d.episode_started_ms ? new Date(d.episode_started_ms).toISOString() : ''));
      return tr;
    }));
  }

  async function start() {
    connect(); // first, so no result between the snapshot and the stream is missed
    try {
      const body = await getJson('/api/metrics');
      body.results.forEach(put);
    } catch (e) {
      setStatus('down', e.message);
    }
    renderProgress();
    setInterval(renderProgress, 2000);
    renderDatasets();
    setInterval(renderDatasets, 10000);
    renderUsage();
    setInterval(renderUsage, 5000);
    renderAlerts();
    setInterval(renderAlerts, 5000);
    renderProbing();
    setInterval(renderProbing, 10000);
    refreshTargets();
    setInterval(refreshTargets, 5000);
    document.getElementById('compare-run').addEventListener('click', runComparison);
    document.getElementById('chart-metric').addEventListener('change', () => { plotSeriesKey = ''; dirty = true; });
    setInterval(() => {
      if (!dirty) return;
      dirty = false;
      renderTable();
      renderChart();
    }, 500);
  }

  start();
})();
