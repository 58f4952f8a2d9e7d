// Overview: this node's throughput, failures and latency over the last minutes, queue depths, nodes and leader.

import { get } from './api.js';
import { h, number, ms, time } from './dom.js';
import { lineChart } from './chart.js';

const ACTIVE = ['scheduled', 'available', 'running', 'retryable'];

export function mount(container) {
  return async () => {
    const [stats, queues, nodes] = await Promise.all([get('/v1/stats?window=5m'), get('/v1/queues'), get('/v1/nodes')]);
    container.replaceChildren(
      cards(stats, queues.queues),
      h('div', { class: 'grid charts' }, charts(stats)),
      h('div', { class: 'grid two' }, depths(queues.queues), nodeList(nodes.nodes)),
    );
    updateDeadCount(queues.queues);
  };
}

export function updateDeadCount(queues) {
  const dead = queues.reduce((sum, q) => sum + (q.counts.dead || 0), 0);
  const el = document.getElementById('dead-count');
  el.textContent = dead ? number(dead) : '';
}

function stepSeconds(stats) {
  const p = stats.points;
  return p.length > 1 ? (new Date(p[1].at) - new Date(p[0].at)) / 1000 : 1;
}

function cards(stats, queues) {
  const step = stepSeconds(stats);
  const lastMinute = stats.points.slice(-Math.max(1, Math.round(60 / step)));
  const sum = (key) => lastMinute.reduce((s, p) => s + p[key], 0);
  const p95 = lastMinute.map((p) => p.latencyP95Ms).filter((v) => v !== null);
  const ready = queues.reduce((s, q) => s + q.counts.available, 0);
  const running = queues.reduce((s, q) => s + q.counts.running, 0);
  const card = (label, value, note, testid, kind = '') =>
    h('div', { class: `card stat ${kind}`, testid }, h('span', { class: 'label' }, label), h('b', {}, value), h('small', {}, note));
  return h('div', { class: 'grid stats' },
    card('Throughput', `${number(sum('completed') / 60)}/s`, `${number(sum('completed'))} completed in the last minute`, 'stat-throughput'),
    card('Failures', number(sum('failed')), 'failed attempts in the last minute', 'stat-failures', sum('failed') ? 'bad' : ''),
    card('Latency p95', ms(p95.length ? Math.max(...p95) : null), 'attempt duration, last minute', 'stat-latency'),
    card('Ready', number(ready), `${number(running)} running now`, 'stat-ready', ready > 1000 ? 'warn' : ''));
}

function charts(stats) {
  const times = stats.points.map((p) => p.at);
  const step = stepSeconds(stats);
  const perSecond = (key) => stats.points.map((p) => p[key] / step);
  return [
    lineChart({
      title: `Throughput (jobs/s, ${stats.step} steps)`, times, format: (v) => number(v), testid: 'chart-throughput',
      series: [
        { name: 'completed', color: '#2f9e44', values: perSecond('completed'), fill: true },
        { name: 'submitted', color: '#3b5bdb', values: perSecond('submitted') },
      ],
    }),
    lineChart({
      title: 'Failed attempts (per step)', times, format: (v) => number(v), testid: 'chart-failures',
      series: [{ name: 'failed', color: '#e03131', values: stats.points.map((p) => p.failed), fill: true }],
    }),
    lineChart({
      title: 'Attempt latency', times, format: ms, testid: 'chart-latency',
      series: [
        { name: 'p95', color: '#f08c00', values: stats.points.map((p) => p.latencyP95Ms) },
        { name: 'mean', color: '#7048e8', values: stats.points.map((p) => p.latencyAvgMs) },
      ],
    }),
  ];
}

function depths(queues) {
  const rows = queues.map((q) => h('tr', { testid: `depth-${q.name}` },
    h('td', {}, h('a', { href: `#/jobs?queue=${encodeURIComponent(q.name)}` }, q.name), q.paused ? h('span', { class: 'badge paused' }, 'paused') : null),
    ACTIVE.map((s) => h('td', { class: 'num' }, h('a', { href: `#/jobs?queue=${encodeURIComponent(q.name)}&state=${s}` }, number(q.counts[s])))),
    h('td', { class: `num ${q.counts.dead ? 'bad' : ''}` }, h('a', { href: `#/dead?queue=${encodeURIComponent(q.name)}` }, number(q.counts.dead)))));
  return h('div', { class: 'card' }, h('h3', {}, 'Queue depths'),
    h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'queue'), [...ACTIVE, 'dead'].map((s) => h('th', { class: 'num' }, s)))),
      h('tbody', {}, rows)));
}

function nodeList(nodes) {
  return h('div', { class: 'card', testid: 'nodes' }, h('h3', {}, `Nodes (${nodes.length})`),
    h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'node'), h('th', {}, 'role'), h('th', {}, 'host'), h('th', {}, 'up since'), h('th', {}, 'last beat'))),
      h('tbody', {}, nodes.map((n) => h('tr', {},
        h('td', {}, n.id, n.leader ? h('span', { class: 'badge leader', testid: 'leader' }, 'leader') : null),
        h('td', {}, n.role), h('td', {}, n.host), h('td', {}, time(n.startedAt)), h('td', {}, time(n.lastBeatAt)))))));
}
