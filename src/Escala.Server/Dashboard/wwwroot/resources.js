// Resources: limit, in use, waiting and why, rate, breaker state and its recent history.

import { get } from './api.js';
import { h, number, time } from './dom.js';

export function mount(container) {
  return async () => {
    const [{ resources }, stats] = await Promise.all([get('/v1/resources'), get('/v1/stats?window=15m')]);
    container.replaceChildren(resources.length
      ? h('div', { class: 'grid resources' }, resources.map((r) => card(r, stats.breakers[r.name] ?? [])))
      : h('div', { class: 'card' }, h('h3', {}, 'Resources'), h('p', { class: 'muted' },
        'No governed resources are configured. Declare them under "resources" in escala.json (concurrency, rate, breaker).')));
  };
}

function card(r, history) {
  const used = r.concurrency ? Math.min(100, (100 * r.running) / r.concurrency) : 0;
  const bar = h('div', { class: `bar ${used >= 100 ? 'full' : ''}` }, h('i'));
  bar.firstChild.style.width = `${used}%`;
  // The store's pause is cluster-wide; this node's own breaker may not have seen the failures that opened it.
  const pausedByBreaker = r.pausedUntil && r.pauseReason === 'breaker open';
  const breaker = pausedByBreaker ? 'open' : (r.breaker ?? 'none');
  return h('div', { class: `card resource breaker-${breaker}`, testid: `resource-${r.name}` },
    h('div', { class: 'resource-head' }, h('h3', {}, r.name),
      breaker !== 'none' ? h('span', { class: `badge breaker ${breaker}`, testid: 'breaker' }, `breaker ${breaker.replace('_', '-')}`) : h('span', { class: 'badge' }, 'no breaker')),
    h('div', { class: 'usage' },
      h('b', { testid: 'in-use' }, number(r.running)), h('span', {}, r.concurrency ? ` of ${r.concurrency} in use` : ' in use (no limit)')),
    r.concurrency ? bar : null,
    h('dl', { class: 'fields' },
      h('dt', {}, 'waiting'), h('dd', { testid: 'waiting-count' }, number(r.waiting)),
      h('dt', {}, 'why'), h('dd', { testid: 'waiting-reason', class: r.waitingReason ? 'waiting' : 'muted' }, r.waitingReason ?? 'nothing holds its jobs back'),
      r.adaptive ? [h('dt', {}, 'limit'), h('dd', { testid: 'adaptive' }, `adaptive (${r.adaptive.algorithm}), ${r.adaptive.min}–${r.adaptive.max}`)] : null,
      h('dt', {}, 'rate'), h('dd', {}, r.rate ? `${r.rate}${r.rateTokens === null || r.rateTokens === undefined ? '' : ` · ${number(r.rateTokens)} starts left in the window`}` : 'no rate limit'),
      r.tokens ? [h('dt', {}, 'tokens'), h('dd', { testid: 'tokens-used' }, `${number(r.tokensUsed ?? 0)} of ${r.tokens} used in the window`)] : null,
      r.pausedUntil ? [h('dt', {}, 'paused until'), h('dd', {}, time(r.pausedUntil), ` (${r.pauseReason})`)] : null),
    h('h4', {}, 'Breaker history'),
    history.length
      ? h('ol', { class: 'history', testid: 'breaker-history' }, history.slice().reverse().map((t) =>
        h('li', {}, h('span', { class: `dot ${t.state}` }), h('b', {}, t.state.replace('_', '-')), ' ', time(t.at))))
      : h('p', { class: 'muted small' }, r.breaker ? 'No transition since this node started.' : '–'));
}
