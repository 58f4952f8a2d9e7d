// The dashboard's only way to the server: JSON requests to /v1, with the API key (if the server needs one)
// from sessionStorage as a Bearer token. A 401 asks for a key; other refusals become an ApiError with the
// problem+json detail.

const KEY = 'escala.apiKey';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

let onUnauthorized = () => {};

/** Called with a function that asks the user for a key; it resolves once a new key is stored. */
export function whenUnauthorized(handler) { onUnauthorized = handler; }

export function storedKey() { return sessionStorage.getItem(KEY); }

export function storeKey(key) {
  if (key) sessionStorage.setItem(KEY, key); else sessionStorage.removeItem(KEY);
}

function headers(extra = {}) {
  const h = { Accept: 'application/json', ...extra };
  const key = storedKey();
  if (key) h.Authorization = `Bearer ${key}`;
  return h;
}

export async function api(method, path, body) {
  const init = { method, headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  else if (method !== 'GET') { init.headers['Content-Type'] = 'application/json'; init.body = '{}'; }
  const response = await fetch(path, init);
  if (response.status === 401) {
    await onUnauthorized();
    return api(method, path, body);
  }
  if (response.status === 204) return null;
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);
export const del = (path) => api('DELETE', path);

/**
 * Server-sent events over fetch (EventSource cannot send an Authorization header). Calls onEvent(name, data)
 * for every event until the stream ends or signal aborts; resolves when it ends.
 */
export async function events(path, onEvent, signal) {
  const response = await fetch(path, { headers: headers({ Accept: 'text/event-stream' }), signal });
  if (response.status === 401) { await onUnauthorized(); return events(path, onEvent, signal); }
  if (!response.ok || !response.body) throw new ApiError(response.status, null);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length) onEvent(name, JSON.parse(data.join('\n')));
    }
  }
}
