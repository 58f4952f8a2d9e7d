// Dead jobs: out of attempts or failed permanently. Retry or discard one, or every selected one.

import { get, post, del } from './api.js';
import { h, time } from './dom.js';

export function mount(container, params, ctx) {
  const selected = new Set();
  let page = { jobs: [], nextCursor: null };
  const go = (changes) => {
    const next = new URLSearchParams({ ...params, ...changes });
    for (const [k, v] of [...next]) if (!v) next.delete(k);
    ctx.navigate(`#/dead?${next}`);
  };

  const run = async (verb, ids) => {
    const call = verb === 'retry' ? (id) => post(`/v1/jobs/${id}/retry`) : (id) => del(`/v1/jobs/${id}`);
    const results = await Promise.allSettled(ids.map(call));
    const failed = results.filter((r) => r.status === 'rejected');
    for (const id of ids) selected.delete(id);
    ctx.toast(failed.length
      ? `${ids.length - failed.length} of ${ids.length} ${verb === 'retry' ? 'retried' : 'discarded'}; ${failed[0].reason.message}`
      : `${ids.length} job${ids.length === 1 ? '' : 's'} ${verb === 'retry' ? 'retried' : 'discarded'}.`, failed.length ? 'bad' : 'ok');
    ctx.refreshNow();
  };

  function render() {
    const ids = page.jobs.map((j) => j.id);
    const all = ids.length > 0 && ids.every((id) => selected.has(id));
    const check = (id) => h('input', {
      type: 'checkbox', checked: selected.has(id), testid: `select-${id}`, 'aria-label': `select job ${id}`,
      onchange: (e) => { if (e.target.checked) selected.add(id); else selected.delete(id); render(); },
    });
    const chosen = ids.filter((id) => selected.has(id));
    container.replaceChildren(
      h('div', { class: 'card toolbar' },
        h('h3', {}, 'Dead jobs', params.queue ? ` in ${params.queue}` : ''),
        h('div', { class: 'actions' },
          h('span', { class: 'muted' }, chosen.length ? `${chosen.length} selected` : 'select jobs to act on many'),
          h('button', { type: 'button', class: 'primary', testid: 'retry-selected', disabled: !chosen.length, onclick: () => run('retry', chosen) }, 'Retry selected'),
          h('button', { type: 'button', class: 'danger', testid: 'discard-selected', disabled: !chosen.length, onclick: () => run('discard', chosen) }, 'Discard selected'))),
      h('div', { class: 'card' },
        h('table', { class: 'table', testid: 'dead' },
          h('thead', {}, h('tr', {},
            h('th', {}, h('input', { type: 'checkbox', checked: all, 'aria-label': 'select all', testid: 'select-all',
              onchange: (e) => { for (const id of ids) { if (e.target.checked) selected.add(id); else selected.delete(id); } render(); } })),
            ['id', 'kind', 'queue', 'attempts', 'died', 'last error', ''].map((c) => h('th', {}, c)))),
          h('tbody', {}, page.jobs.length ? page.jobs.map((job) => {
            const last = job.errors[job.errors.length - 1];
            return h('tr', { testid: `dead-${job.id}` },
              h('td', {}, check(job.id)),
              h('td', {}, h('a', { href: `#/jobs/${job.id}` }, `#${job.id}`)),
              h('td', {}, h('code', {}, job.kind)), h('td', {}, job.queue),
              h('td', { class: 'num' }, `${job.attempt}/${job.maxAttempts}`),
              h('td', {}, time(job.finishedAt)),
              h('td', { class: 'message' }, last ? [h('span', { class: `badge err-${last.kind}` }, last.kind), ' ', last.message] : '–'),
              h('td', { class: 'actions' },
                // A workflow's step does not run again on its own (the server answers 409): the workflow is submitted again.
                job.workflowId == null
                  ? h('button', { type: 'button', testid: `retry-${job.id}`, onclick: () => run('retry', [job.id]) }, 'Retry')
                  : h('span', { class: 'muted', testid: `step-${job.id}`, title: 'A workflow step runs again only with its workflow.' }, `step of #${job.workflowId}`),
                h('button', { type: 'button', class: 'danger', testid: `discard-${job.id}`, onclick: () => run('discard', [job.id]) }, 'Discard')));
          }) : h('tr', {}, h('td', { colspan: 8, class: 'muted empty', testid: 'no-dead' }, 'No dead jobs. ✓')))),
        h('div', { class: 'pager' },
          params.cursor ? h('button', { type: 'button', onclick: () => go({ cursor: '' }) }, '« Newest') : null,
          page.nextCursor ? h('button', { type: 'button', onclick: () => go({ cursor: page.nextCursor }) }, 'Older »') : null)));
  }

  return async () => {
    const query = new URLSearchParams({ state: 'dead', limit: '50' });
    if (params.queue) query.set('queue', params.queue);
    if (params.cursor) query.set('cursor', params.cursor);
    page = await get(`/v1/jobs?${query}`);
    render();
  };
}
