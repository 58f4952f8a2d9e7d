// Queues: settings, jobs by state, pause and resume (cluster-wide).

import { get, post } from './api.js';
import { h, number } from './dom.js';
import { updateDeadCount } from './overview.js';

const STATES = ['waiting', 'scheduled', 'available', 'running', 'retryable', 'completed', 'cancelled', 'dead'];

export function mount(container, _params, ctx) {
  const toggle = async (queue) => {
    const action = queue.paused ? 'resume' : 'pause';
    try {
      await post(`/v1/queues/${encodeURIComponent(queue.name)}/${action}`);
      ctx.toast(`Queue ${queue.name} ${queue.paused ? 'resumed' : 'paused'}.`);
    } catch (error) {
      ctx.toast(error.message, 'bad');
    }
    ctx.refreshNow();
  };

  return async () => {
    const { queues } = await get('/v1/queues');
    updateDeadCount(queues);
    container.replaceChildren(h('div', { class: 'card' },
      h('h3', {}, 'Queues'),
      h('table', { class: 'table', testid: 'queues' },
        h('thead', {}, h('tr', {},
          h('th', {}, 'queue'), h('th', {}, 'status'), h('th', { class: 'num' }, 'concurrency'),
          STATES.map((s) => h('th', { class: 'num' }, s)), h('th', {}))),
        h('tbody', {}, queues.map((q) => h('tr', { testid: `queue-${q.name}` },
          h('td', {}, h('b', {}, q.name), q.external ? h('span', { class: 'badge' }, 'external') : null,
            h('div', { class: 'muted small' }, `timeout ${q.timeout ?? '–'} · ${q.maxAttempts} attempts`)),
          h('td', {}, q.paused ? h('span', { class: 'badge paused', testid: 'queue-status' }, 'paused')
            : h('span', { class: 'badge ok', testid: 'queue-status' }, 'running')),
          h('td', { class: 'num' }, q.concurrency),
          STATES.map((s) => h('td', { class: `num ${s === 'dead' && q.counts[s] ? 'bad' : ''}` },
            h('a', { href: s === 'dead' ? `#/dead?queue=${encodeURIComponent(q.name)}` : `#/jobs?queue=${encodeURIComponent(q.name)}&state=${s}` }, number(q.counts[s])))),
          h('td', { class: 'actions' }, h('button', {
            type: 'button', class: q.paused ? 'primary' : '', testid: q.paused ? 'resume' : 'pause', onclick: () => toggle(q),
          }, q.paused ? 'Resume' : 'Pause'))))))));
  };
}
