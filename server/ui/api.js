// api.js — every call the console makes to the control plane goes through here.
// The admin key (when the server has one) lives in this browser's localStorage
// and is sent as a Bearer token; a 401 asks the shell to prompt for it.

const KEY_STORE = 'visionstack.adminKey';

export function adminKey() {
  try { return localStorage.getItem(KEY_STORE) || ''; } catch { return ''; }
}

export function setAdminKey(key) {
  try {
    if (key) localStorage.setItem(KEY_STORE, key);
    else localStorage.removeItem(KEY_STORE);
  } catch { /* storage disabled: the key lasts for this page only */ }
  sessionKey = key || '';
}

let sessionKey = adminKey();

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

function headers(extra) {
  const h = { ...extra };
  if (sessionKey) h.Authorization = `Bearer ${sessionKey}`;
  return h;
}

// Returns the Response; throws ApiError for non-2xx/304 answers.
export async function request(method, path, body) {
  const init = { method, headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  let resp;
  try {
    resp = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, `The server did not answer (${e.message})`, null);
  }
  if (resp.ok || resp.status === 304) return resp;
  let parsed = null;
  try { parsed = await resp.json(); } catch { /* not JSON */ }
  const message = parsed?.error?.message || `${resp.status} ${resp.statusText}`;
  if (resp.status === 401) window.dispatchEvent(new CustomEvent('vs-auth-needed'));
  throw new ApiError(resp.status, message, parsed);
}

export async function api(method, path, body) {
  const resp = await request(method, path, body);
  if (resp.status === 204) return null;
  const text = await resp.text();
  return text ? JSON.parse(text) : null;
}

export const get = (path) => api('GET', path);
export const post = (path, body = {}) => api('POST', path, body);
export const del = (path) => api('DELETE', path);

// An <img> source for a control-plane image. Without an admin key the browser
// loads (and caches, with ETags) the URL itself; with one, the bytes are fetched
// with the header and shown through an object URL.
export async function imageSource(path) {
  if (!sessionKey) return path;
  const resp = await request('GET', path);
  return URL.createObjectURL(await resp.blob());
}

export function qs(params) {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') s.set(k, v);
  const text = s.toString();
  return text ? `?${text}` : '';
}
