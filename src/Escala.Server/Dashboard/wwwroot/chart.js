// A hand-drawn SVG line chart: a few series over the same time points, a light grid, nice y ticks.

import { h, svg } from './dom.js';

const W = 560, H = 180, L = 54, R = 10, T = 10, B = 24;

function niceMax(value) {
  if (!(value > 0)) return 1;
  const exp = Math.pow(10, Math.floor(Math.log10(value)));
  for (const m of [1, 2, 2.5, 5, 10]) if (value <= m * exp) return m * exp;
  return 10 * exp;
}

/**
 * series: [{ name, color, values: [number|null] }]; times: [ISO string]; format: y label formatter.
 * Returns a figure with the chart and its legend.
 */
export function lineChart({ title, series, times, format = String, testid }) {
  const all = series.flatMap((s) => s.values).filter((v) => v !== null && v !== undefined);
  const max = niceMax(Math.max(0, ...all));
  const n = Math.max(times.length, 2);
  const x = (i) => L + ((W - L - R) * i) / (n - 1);
  const y = (v) => T + (H - T - B) * (1 - v / max);

  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => [
    svg('line', { x1: L, x2: W - R, y1: y(max * f), y2: y(max * f), class: 'grid' }),
    svg('text', { x: L - 6, y: y(max * f) + 4, class: 'tick', 'text-anchor': 'end' }, document.createTextNode(format(max * f))),
  ]);
  const labels = [0, Math.floor((n - 1) / 2), n - 1].filter((i) => times[i]).map((i) =>
    svg('text', { x: x(i), y: H - 6, class: 'tick', 'text-anchor': i === 0 ? 'start' : i === n - 1 ? 'end' : 'middle' },
      document.createTextNode(new Date(times[i]).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }))));

  const lines = series.map((s) => {
    let d = '';
    let area = '';
    let open = false;
    s.values.forEach((v, i) => {
      if (v === null || v === undefined) { open = false; return; }
      d += `${open ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      open = true;
    });
    if (s.fill && s.values.length) {
      const pts = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v ?? 0).toFixed(1)}`);
      area = `M${x(0)},${y(0)}L${pts.join('L')}L${x(s.values.length - 1)},${y(0)}Z`;
    }
    return [
      area ? svg('path', { d: area, fill: s.color, 'fill-opacity': '0.12', stroke: 'none' }) : null,
      svg('path', { d: d || 'M0,0', fill: 'none', stroke: s.color, 'stroke-width': '2', 'stroke-linejoin': 'round', 'stroke-linecap': 'round' }),
    ];
  });

  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': title }, grid, labels, lines);
  const legend = h('div', { class: 'legend' }, series.map((s) => {
    const last = [...s.values].reverse().find((v) => v !== null && v !== undefined);
    const swatch = h('i');
    swatch.style.background = s.color;
    return h('span', {}, swatch, `${s.name} `, h('b', {}, last === undefined ? '–' : format(last)));
  }));
  return h('figure', { class: 'card chart-card', testid }, h('figcaption', {}, title), chart, legend);
}
