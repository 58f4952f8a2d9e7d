// The dashboard's shell: hash routes to views, a 2-second refresh of the current view, the API-key box,
// and a toast for the outcome of actions. Each view is a module exporting mount(container, params, ctx).

import { whenUnauthorized, storeKey, storedKey, ApiError } from './api.js';
import { h } from './dom.js';
import * as overview from './overview.js';
import * as queues from './queues.js';
import * as jobs from './jobs.js';
import * as job from './job.js';
import * as dead from './dead.js';
import * as resources from './resources.js';

const REFRESH_MS = 2000;
const views = { overview, queues, jobs, dead, resources };
const main = document.getElementById('main');
const live = document.getElementById('live');
let current = null;

function route() {
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const params = Object.fromEntries(new URLSearchParams(query));
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'jobs' && parts[1]) return { name: 'jobs', view: job, params: { ...params, id: parts[1] } };
  const name = views[parts[0]] ? parts[0] : 'overview';
  return { name, view: views[name], params };
}

function mount() {
  current?.stop();
  const { name, view, params } = route();
  for (const a of document.querySelectorAll('nav.tabs a')) a.classList.toggle('active', a.dataset.view === name);
  const container = h('section', { class: `view view-${name}`, testid: `view-${name}` });
  main.replaceChildren(container);
  const state = { stopped: false, timer: 0, cleanups: [] };
  const ctx = {
    navigate: (hash) => { location.hash = hash; },
    toast,
    onStop: (fn) => state.cleanups.push(fn),
  };
  const refresh = view.mount(container, params, ctx);
  const tick = async () => {
    if (state.stopped) return;
    try {
      await refresh();
      live.classList.remove('down');
      live.textContent = 'live';
    } catch (error) {
      live.classList.add('down');
      live.textContent = error instanceof ApiError && error.status === 503 ? 'store unreachable' : 'offline';
    }
    if (!state.stopped) state.timer = setTimeout(tick, REFRESH_MS);
  };
  current = {
    stop() {
      state.stopped = true;
      clearTimeout(state.timer);
      for (const fn of state.cleanups) fn();
    },
    refreshNow() { clearTimeout(state.timer); tick(); },
  };
  ctx.refreshNow = () => current.refreshNow();
  tick();
}

let toastTimer = 0;
function toast(message, kind = 'ok') {
  const el = document.getElementById('toast');
  el.textContent = message;
  el.className = `toast ${kind}`;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, 4000);
}

// A 401 opens the key box; the request is sent again once a key is stored.
let pendingLogin = null;
whenUnauthorized(() => {
  pendingLogin ??= new Promise((resolve) => {
    const dialog = document.getElementById('login');
    const form = document.getElementById('login-form');
    const input = document.getElementById('login-key');
    const error = document.getElementById('login-error');
    if (storedKey()) { error.textContent = 'That key was refused. Try another.'; error.hidden = false; }
    form.onsubmit = () => {
      storeKey(input.value.trim());
      input.value = '';
      pendingLogin = null;
      document.getElementById('key-button').hidden = false;
      resolve();
    };
    if (!dialog.open) dialog.showModal();
  });
  return pendingLogin;
});

document.getElementById('key-button').hidden = !storedKey();
document.getElementById('key-button').addEventListener('click', () => { storeKey(null); location.reload(); });
window.addEventListener('hashchange', mount);
mount();
