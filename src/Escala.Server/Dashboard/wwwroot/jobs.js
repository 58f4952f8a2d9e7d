// Jobs: newest first, filtered by queue, state and kind; search by id or idempotency key; cursor pages.

import { get, ApiError } from './api.js';
import { h, badge, time } from './dom.js';

const STATES = ['waiting', 'scheduled', 'available', 'running', 'retryable', 'completed', 'cancelled', 'dead'];

export function mount(container, params, ctx) {
  let queueNames = null; // the filter form is built once, so a poll never wipes what is being typed
  const go = (changes) => {
    const next = new URLSearchParams({ ...params, ...changes });
    for (const [k, v] of [...next]) if (!v) next.delete(k);
    ctx.navigate(`#/jobs?${next}`);
  };

  const holder = h('div', { class: 'card' });
  return async () => {
    if (!queueNames) {
      queueNames = (await get('/v1/queues')).queues.map((q) => q.name);
      container.replaceChildren(filters(params, queueNames, go), holder);
    }
    const rows = params.q ? await search(params.q) : await list(params);
    holder.replaceChildren(
        h('table', { class: 'table clickable', testid: 'jobs' },
          h('thead', {}, h('tr', {}, ['id', 'kind', 'queue', 'state', 'attempt', 'created', 'finished', 'idempotency key'].map((c) => h('th', {}, c)))),
          h('tbody', {}, rows.jobs.length ? rows.jobs.map((job) => row(job, ctx)) : h('tr', {}, h('td', { colspan: 8, class: 'muted empty' }, 'No jobs match.')))),
        h('div', { class: 'pager' },
          params.cursor ? h('button', { type: 'button', onclick: () => go({ cursor: '' }) }, '« Newest') : null,
          rows.nextCursor ? h('button', { type: 'button', testid: 'older', onclick: () => go({ cursor: rows.nextCursor }) }, 'Older »') : null));
  };
}

async function list(params) {
  const query = new URLSearchParams({ limit: '50' });
  for (const key of ['queue', 'state', 'kind', 'cursor']) if (params[key]) query.set(key, params[key]);
  return get(`/v1/jobs?${query}`);
}

/** An id and an idempotency key look alike: show the job with that id and the one with that key. */
async function search(text) {
  const found = [];
  if (/^\d+$/.test(text)) {
    try { found.push(await get(`/v1/jobs/${text}`)); } catch (e) { if (!(e instanceof ApiError && e.status === 404)) throw e; }
  }
  const byKey = await get(`/v1/jobs?idempotencyKey=${encodeURIComponent(text)}`);
  for (const job of byKey.jobs) if (!found.some((j) => j.id === job.id)) found.push(job);
  return { jobs: found, nextCursor: null };
}

function row(job, ctx) {
  return h('tr', { testid: `job-${job.id}`, onclick: () => ctx.navigate(`#/jobs/${job.id}`) },
    h('td', {}, h('a', { href: `#/jobs/${job.id}` }, `#${job.id}`)),
    h('td', {}, h('code', {}, job.kind)), h('td', {}, job.queue), h('td', {}, badge(job.state)),
    h('td', { class: 'num' }, `${job.attempt}/${job.maxAttempts}`),
    h('td', {}, time(job.createdAt)), h('td', {}, time(job.finishedAt)),
    h('td', { class: 'muted' }, job.idempotencyKey ?? ''));
}

function filters(params, queues, go) {
  const select = (name, options, testid) => h('select', { testid, onchange: (e) => go({ [name]: e.target.value, cursor: '' }) },
    h('option', { value: '' }, `any ${name}`),
    options.map((o) => h('option', { value: o, selected: params[name] === o }, o)));
  const kind = h('input', { type: 'text', placeholder: 'kind', value: params.kind ?? '', testid: 'filter-kind' });
  const q = h('input', { type: 'search', placeholder: 'job id or idempotency key', value: params.q ?? '', testid: 'search' });
  return h('form', {
    class: 'filters card', testid: 'filters',
    onsubmit: (e) => { e.preventDefault(); go({ kind: kind.value.trim(), q: q.value.trim(), cursor: '' }); },
  },
  select('queue', queues, 'filter-queue'), select('state', STATES, 'filter-state'), kind, q,
  h('button', { type: 'submit', class: 'primary' }, 'Search'),
  Object.keys(params).length ? h('a', { href: '#/jobs', class: 'muted' }, 'clear') : null);
}
