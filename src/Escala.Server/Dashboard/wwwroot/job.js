// One job: its fields, progress, result, the error of every attempt, and its live events (SSE). Actions:
// retry, cancel, discard.

import { get, post, del, events, ApiError } from './api.js';
import { h, fill, badge, time, json, ms } from './dom.js';

const FINAL = ['completed', 'cancelled', 'dead'];

export function mount(container, params, ctx) {
  const id = params.id;
  let job = null;
  let missing = false;
  let streaming = null;
  const log = [];
  const logList = h('ol', { class: 'events', testid: 'events' });

  const stream = () => {
    if (streaming) return;
    const abort = new AbortController();
    streaming = abort;
    ctx.onStop(() => abort.abort());
    events(`/v1/jobs/${id}/events`, (name, data) => {
      if (name === 'token') {
        // LLM tokens as they stream: counted in the log, not rendered one by one.
        const last = log[log.length - 1];
        if (last?.name === 'token') last.count += 1; else log.push({ name, at: new Date(), count: 1 });
        render();
        return;
      }
      job = data;
      log.push({ name, at: new Date(), state: data.state, attempt: data.attempt, waiting: data.waitingReason });
      render();
    }, abort.signal).catch(() => {}).finally(() => { if (streaming === abort) streaming = null; });
  };

  const act = async (label, fn) => {
    try {
      await fn();
      ctx.toast(label);
    } catch (error) {
      ctx.toast(error.message, 'bad');
    }
  };

  // A finished workflow step does not run again on its own (the server answers 409): no retry button for it.
  const retryable = () => (FINAL.includes(job.state) && job.workflowId == null) || ['scheduled', 'retryable'].includes(job.state);

  const actions = () => h('div', { class: 'actions' },
    retryable()
      ? h('button', { type: 'button', class: 'primary', testid: 'retry', onclick: () => act(`Job #${id} will run again.`, async () => { job = await post(`/v1/jobs/${id}/retry`); render(); stream(); }) }, 'Retry now') : null,
    FINAL.includes(job.state) ? null
      : h('button', { type: 'button', testid: 'cancel', onclick: () => act(`Cancel of #${id} asked.`, async () => { job = await post(`/v1/jobs/${id}/cancel`); render(); }) }, 'Cancel'),
    FINAL.includes(job.state)
      ? h('button', { type: 'button', class: 'danger', testid: 'discard', onclick: () => act(`Job #${id} discarded.`, async () => { await del(`/v1/jobs/${id}`); ctx.navigate('#/dead'); }) }, 'Discard') : null);

  function render() {
    if (missing) {
      container.replaceChildren(h('div', { class: 'card' }, h('h2', {}, `Job #${id}`), h('p', { class: 'muted' }, 'No such job (it may have been discarded or pruned).')));
      return;
    }
    if (!job) return;
    const duration = job.attemptedAt && job.finishedAt ? new Date(job.finishedAt) - new Date(job.attemptedAt) : null;
    fill(container,
      h('div', { class: 'card head' },
        h('div', {}, h('a', { href: '#/jobs', class: 'muted' }, '← jobs'),
          h('h2', { testid: 'job-title' }, `Job #${job.id} `, h('code', {}, job.kind), ' ', badge(job.state)),
          job.waitingReason ? h('p', { class: 'waiting', testid: 'waiting' }, job.waitingReason) : null,
          job.cancelRequested && !FINAL.includes(job.state) ? h('p', { class: 'waiting' }, 'cancel requested') : null),
        actions()),
      h('div', { class: 'grid two' },
        h('div', { class: 'card' }, h('h3', {}, 'Details'), h('dl', { class: 'fields' },
          field('queue', h('a', { href: `#/jobs?queue=${encodeURIComponent(job.queue)}` }, job.queue)),
          field('attempt', `${job.attempt} of ${job.maxAttempts}`),
          field('priority', job.priority),
          field('resources', job.resources.length ? job.resources.join(', ') : '–'),
          field('idempotency key', job.idempotencyKey ?? '–'),
          field('workflow', job.workflowId == null ? '–' : h('span', { testid: 'workflow' }, `#${job.workflowId}, step ${job.step}`)),
          field('created', time(job.createdAt)),
          field('runs at', time(job.runAt)),
          field('last attempt', time(job.attemptedAt)),
          field('finished', time(job.finishedAt)),
          field('last run took', duration === null ? '–' : ms(duration)))),
        h('div', { class: 'card' }, h('h3', {}, 'Live events ', streaming
          ? h('span', { class: 'badge ok', testid: 'stream' }, 'streaming')
          : h('span', { class: 'badge', testid: 'stream' }, FINAL.includes(job.state) ? 'final: no more events' : 'reconnecting')),
          logList)),
      progress(job),
      job.state === 'completed' ? h('div', { class: 'card', testid: 'result' }, h('h3', {}, 'Result'), json(job.result)) : null,
      h('div', { class: 'card', testid: 'errors' }, h('h3', {}, `Errors (${job.errors.length})`),
        job.errors.length ? h('table', { class: 'table' },
          h('thead', {}, h('tr', {}, h('th', {}, 'attempt'), h('th', {}, 'when'), h('th', {}, 'kind'), h('th', {}, 'message'))),
          h('tbody', {}, job.errors.slice().reverse().map((e) => h('tr', {},
            h('td', {}, e.attempt), h('td', {}, time(e.at)), h('td', {}, h('span', { class: `badge err-${e.kind}` }, e.kind)), h('td', { class: 'message' }, e.message)))))
          : h('p', { class: 'muted' }, 'No failed attempt.')),
      h('div', { class: 'card' }, h('h3', {}, 'Arguments'), json(job.args)));
    logList.replaceChildren(...log.slice(-30).reverse().map((e) => h('li', {},
      h('time', {}, e.at.toLocaleTimeString()), ' ', h('b', {}, e.name), ' ',
      e.name === 'token' ? `${e.count} token event${e.count === 1 ? '' : 's'}` : [e.state, ` · attempt ${e.attempt}`, e.waiting ? ` · ${e.waiting}` : ''])));
  }

  return async () => {
    if (!streaming && !missing) {
      try {
        job = await get(`/v1/jobs/${id}`);
        if (!FINAL.includes(job.state)) stream();
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) missing = true; else throw error;
      }
    }
    render();
  };
}

const field = (name, value) => [h('dt', {}, name), h('dd', {}, value)];

function progress(job) {
  if (job.progress === null || job.progress === undefined) return null;
  const p = job.progress;
  const percent = typeof p === 'number' ? p : (typeof p?.percent === 'number' ? p.percent : null);
  const bar = percent === null ? null : h('div', { class: 'bar' }, h('i', { testid: 'progress-bar' }));
  if (bar) bar.firstChild.style.width = `${Math.max(0, Math.min(100, percent))}%`;
  return h('div', { class: 'card', testid: 'progress' }, h('h3', {}, 'Progress', percent === null ? '' : ` ${Math.round(percent)}%`), bar, json(p));
}
