// Helpers of views.js: the URL hash as state, formatting, the opinion gap, and the two SVG charts (a forest plot of
// rates with intervals, and a checkpoint trend with interval bands and verdict markers).
window.SycostreamViewsLib = (function () {
  'use strict';
  const SVG = 'http://www.w3.org/2000/svg';
  const GAP = 'opinion_gap';
  const COUNTS = ['unparseable', 'failed', 'filter_kept'];
  const PALETTE = ['#c0392b', '#2471a3', '#229954', '#b9770e', '#7d3c98', '#566573'];
  const VERDICT_COLOUR = { improved: '#1e8449', regressed: '#c0392b', 'no significant change': '#7f8c8d' };

  function readHash() {
    const s = {};
    new URLSearchParams(location.hash.replace(/^#/, '')).forEach((v, k) => { if (v) s[k] = v; });
    return s;
  }

  function writeHash(state) {
    const p = new URLSearchParams();
    Object.keys(state).sort().forEach(k => { if (state[k]) p.set(k, state[k]); });
    history.replaceState(null, '', '#' + p.toString());
  }

  async function getJson(path) {
    const res = await fetch(path, { credentials: 'same-origin' });
    const body = await res.json();
    if (!res.ok) throw new Error(path.split('?')[0] + ': ' + (body.error || res.status));
    return body;
  }

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  const fmt = x => x.toFixed(3);
  const signed = x => (x >= 0 ? '+' : '') + x.toFixed(3);
  const ci = r => '[' + (r.metric === GAP ? signed(r.ci_low) + ', ' + signed(r.ci_high) : fmt(r.ci_low) + ', ' + fmt(r.ci_high)) + ']';

  function fillSelect(select, values, chosen) {
    if (values.join('\n') !== [...select.options].map(o => o.value).join('\n')) {
      select.replaceChildren(...values.map(v => { const o = el('option', v); o.value = v; return o; }));
    }
    if (values.includes(chosen)) select.value = chosen;
  }

  /**
   * Newcombe's hybrid score interval for p1 − p2 from the two Wilson intervals. It treats the two rates as
   * independent samples; for the two variants of the same items (positively correlated) it is conservative.
   */
  function newcombe(a, b) {
    const d = a.rate - b.rate;
    return {
      low: d - Math.sqrt((a.rate - a.ci_low) ** 2 + (b.ci_high - b.rate) ** 2),
      high: d + Math.sqrt((a.ci_high - a.rate) ** 2 + (b.rate - b.ci_low) ** 2)
    };
  }

  /** Per target and task with both X_with_opinion and X_no_opinion: with − without, the user's opinion's effect. */
  function opinionGaps(results) {
    const by = new Map(results.map(r => [r.target + '|' + r.task + '|' + r.metric, r]));
    const gaps = [];
    results.filter(r => r.metric.endsWith('_with_opinion')).forEach(w => {
      const o = by.get(w.target + '|' + w.task + '|' + w.metric.replace(/_with_opinion$/, '_no_opinion'));
      if (!o) return;
      const i = newcombe(w, o);
      gaps.push({ target: w.target, task: w.task, metric: GAP, rate: w.rate - o.rate,
        ci_low: Math.max(-1, i.low), ci_high: Math.min(1, i.high), n: w.n, with_count: w.count,
        without_count: o.count, without_n: o.n });
    });
    return gaps;
  }

  /** Without paired data: a change only where the interval of the difference (Newcombe) excludes 0. */
  function unpairedVerdict(before, after) {
    const i = newcombe(after, before);
    return i.high < 0 ? 'improved' : i.low > 0 ? 'regressed' : 'no significant change';
  }

  function ticks(domain) {
    const [lo, hi] = domain;
    const step = (hi - lo) / 4;
    return [0, 1, 2, 3, 4].map(i => lo + i * step);
  }

  /** Rows {target, rate, ci_low, ci_high[, verdict]} as a forest plot on [domain[0], domain[1]]. */
  function forestSvg(rows, domain) {
    const W = 760, LABEL = 240, RIGHT = 20, ROW = 20, TOP = 26;
    const H = TOP + Math.max(1, rows.length) * ROW + 8;
    const x = v => LABEL + (Math.min(domain[1], Math.max(domain[0], v)) - domain[0]) / (domain[1] - domain[0]) * (W - LABEL - RIGHT);
    const root = svg('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, class: 'forest', role: 'img' });
    ticks(domain).forEach(t => {
      root.append(svg('line', { x1: x(t), x2: x(t), y1: TOP - 4, y2: H - 4, class: t === 0 ? 'axis zero' : 'axis' }),
        svg('text', { x: x(t), y: TOP - 10, 'text-anchor': 'middle', class: 'tick' }, domain[0] < 0 ? (t > 0 ? '+' : '') + String(Math.round(t * 100) / 100) : t.toFixed(2)));
    });
    if (rows.length === 0) root.append(svg('text', { x: LABEL, y: TOP + 14, class: 'muted' }, 'no results for this selection'));
    rows.forEach((r, i) => {
      const y = TOP + i * ROW + ROW / 2;
      const colour = r.verdict ? VERDICT_COLOUR[r.verdict] || '#2471a3' : '#2471a3';
      const g = svg('g', { class: 'forest-row', 'data-target': r.target, 'data-rate': r.rate, 'data-low': r.ci_low,
        'data-high': r.ci_high });
      g.append(svg('title', {}, r.target + ': ' + fmt(r.rate) + ' [' + fmt(r.ci_low) + ', ' + fmt(r.ci_high) + ']'
        + (r.verdict ? ' ' + r.verdict : '')),
        svg('text', { x: LABEL - 8, y: y + 4, 'text-anchor': 'end', class: 'label' }, r.target),
        svg('line', { x1: x(r.ci_low), x2: x(r.ci_high), y1: y, y2: y, stroke: colour, 'stroke-width': 2 }),
        svg('circle', { cx: x(r.rate), cy: y, r: 4, fill: colour }));
      root.append(g);
    });
    return root;
  }

  /** A marker for a verdict against the previous checkpoint: ▼ improved, ▲ regressed, ○ no change, ● first. */
  function marker(cx, cy, verdict, colour) {
    if (verdict === 'improved') return svg('path', { d: `M${cx - 6},${cy - 4}L${cx + 6},${cy - 4}L${cx},${cy + 6}Z`, fill: VERDICT_COLOUR.improved });
    if (verdict === 'regressed') return svg('path', { d: `M${cx - 6},${cy + 4}L${cx + 6},${cy + 4}L${cx},${cy - 6}Z`, fill: VERDICT_COLOUR.regressed });
    if (verdict) return svg('circle', { cx, cy, r: 5, fill: '#fff', stroke: colour, 'stroke-width': 2 });
    return svg('circle', { cx, cy, r: 4, fill: colour });
  }

  /** Checkpoints along x in registration order; per metric a line of rates over a band of intervals. */
  function trendSvg(checkpoints, metrics, rows, verdicts) {
    const W = 820, H = 300, L = 48, R = 210, T = 14, B = 40;
    const n = checkpoints.length;
    const x = i => n <= 1 ? L + (W - L - R) / 2 : L + i * (W - L - R) / (n - 1);
    const y = v => T + (1 - v) * (H - T - B);
    const root = svg('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, class: 'trend', role: 'img' });
    [0, 0.25, 0.5, 0.75, 1].forEach(t => root.append(svg('line', { x1: L, x2: W - R, y1: y(t), y2: y(t), class: 'axis' }),
      svg('text', { x: L - 6, y: y(t) + 4, 'text-anchor': 'end', class: 'tick' }, t.toFixed(2))));
    checkpoints.forEach((c, i) => root.append(svg('text', { x: x(i), y: H - B + 16, 'text-anchor': 'middle', class: 'tick' },
      c.checkpoint), svg('text', { x: x(i), y: H - B + 30, 'text-anchor': 'middle', class: 'tick muted' }, c.target)));
    if (n === 0) root.append(svg('text', { x: L + 10, y: T + 20, class: 'muted' }, 'no checkpoints registered for this model'));
    metrics.forEach((m, k) => {
      const colour = PALETTE[k % PALETTE.length];
      const pts = checkpoints.map((c, i) => ({ i, c, r: rows.find(q => q.target === c.target && q.metric === m) })).filter(p => p.r);
      if (pts.length === 0) return;
      const band = pts.map(p => x(p.i) + ',' + y(p.r.ci_high)).concat(pts.slice().reverse().map(p => x(p.i) + ',' + y(p.r.ci_low)));
      root.append(svg('polygon', { points: band.join(' '), fill: colour, 'fill-opacity': 0.15, stroke: 'none', class: 'band' }),
        svg('polyline', { points: pts.map(p => x(p.i) + ',' + y(p.r.rate)).join(' '), fill: 'none', stroke: colour, 'stroke-width': 2 }));
      pts.forEach(p => {
        const v = verdicts.get(p.c.target + '|' + m);
        const g = svg('g', { class: 'trend-point', 'data-target': p.c.target, 'data-metric': m, 'data-rate': p.r.rate,
          'data-verdict': v ? v.verdict : '' });
        g.append(svg('title', {}, m + ' at ' + p.c.checkpoint + ': ' + fmt(p.r.rate) + ' ' + ci(p.r)
          + (v ? ', ' + v.verdict + ' vs the previous checkpoint' : '')), marker(x(p.i), y(p.r.rate), v && v.verdict, colour));
        root.append(g);
      });
      root.append(svg('line', { x1: W - R + 12, x2: W - R + 30, y1: T + 10 + k * 18, y2: T + 10 + k * 18, stroke: colour, 'stroke-width': 3 }),
        svg('text', { x: W - R + 36, y: T + 14 + k * 18, class: 'label' }, m));
    });
    const ly = T + 20 + metrics.length * 18;
    [['improved', '▼'], ['regressed', '▲'], ['no significant change', '○']].forEach(([v, s], k) =>
      root.append(svg('text', { x: W - R + 12, y: ly + k * 16, class: 'tick', fill: VERDICT_COLOUR[v] }, s + ' ' + v)));
    return root;
  }

  return { GAP, COUNTS, readHash, writeHash, getJson, el, fmt, signed, ci, fillSelect, opinionGaps, unpairedVerdict,
    forestSvg, trendSvg };
})();
