// The gateway's HTTP API (docs/api.md): the token, JSON requests, and the live event stream.

const TOKEN_KEY = 'gridwatch.token';
// Relative to the page's origin, so the dashboard works wherever the gateway serves it.
const API_BASE = new URL('api/v1/', location.origin + '/');

/** An answer other than 2xx; message is the gateway's own {"error": ...} text when it sent one. */
class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// sessionStorage by default: a shared duty-room PC forgets the token when the browser closes.
// "Remember on this device" also keeps it in localStorage, for a personal phone.
export function loadToken() {
  return sessionStorage.getItem(TOKEN_KEY) || localStorage.getItem(TOKEN_KEY) || '';
}

export function saveToken(token, remember) {
  sessionStorage.setItem(TOKEN_KEY, token);
  if (remember) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

export function clearToken() {
  sessionStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(TOKEN_KEY);
}

let onUnauthorized = () => {};

/** Called with no arguments whenever the gateway answers 401 (revoked or unknown token). */
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

/**
 * One JSON request. A 401 calls the unauthorized handler (back to the log-in form) unless
 * `token` is given explicitly, as the log-in check does with a token not yet accepted.
 */
export async function api(path, { method = 'GET', body, token } = {}) {
  const headers = { Authorization: 'Bearer ' + (token ?? loadToken()), Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(new URL(path, API_BASE), {
      method, headers, cache: 'no-store', body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, err.message || 'network error');
  }
  let data = null;
  try { data = await response.json(); } catch { /* an empty or non-JSON body: the status says enough */ }
  if (response.status === 401 && token === undefined) onUnauthorized();
  if (!response.ok) throw new ApiError(response.status, data?.error || `HTTP ${response.status}`);
  return data;
}

/**
 * A file from the API (a report as CSV or XLSX), fetched with the token a plain link could not
 * carry: {blob, filename}, the name from Content-Disposition or `fallback`. Failures throw as
 * api() does, with the gateway's own message.
 */
export async function fetchFile(path, fallback) {
  let response;
  try {
    response = await fetch(new URL(path, API_BASE), { headers: { Authorization: 'Bearer ' + loadToken() }, cache: 'no-store' });
  } catch (err) {
    throw new ApiError(0, err.message || 'network error');
  }
  if (response.status === 401) onUnauthorized();
  if (!response.ok) {
    let data = null;
    try { data = await response.json(); } catch { /* not JSON: the status says enough */ }
    throw new ApiError(response.status, data?.error || `HTTP ${response.status}`);
  }
  const named = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') || '');
  return { blob: await response.blob(), filename: named ? named[1] : fallback };
}

/** Builds "tickets?state=active&limit=5000" from an object, leaving out empty values. */
export function withQuery(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

// A connection that delivers nothing, not even the 15 s keepalive, for this long is dead
// even if TCP has not noticed (a sleeping laptop, a NAT that dropped the flow).
const STALE_AFTER_MS = 40_000;
const BACKOFF_MIN_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;

/**
 * GET /api/v1/events read with fetch(): EventSource cannot send the Authorization header.
 * Parses the text/event-stream format itself, resumes with Last-Event-ID after a drop, and
 * reconnects with capped exponential backoff (jittered, so many screens do not reconnect in
 * step after a gateway restart).
 *
 * Callbacks: onEvent(name, data), onOpen() after every (re)connection, onStatus() whenever
 * `state` ('connecting' | 'open' | 'down') or `lastActivity` changes.
 */
export class EventStream {
  constructor({ onEvent, onOpen, onStatus }) {
    Object.assign(this, { onEvent, onOpen, onStatus });
    this.state = 'connecting';
    this.lastActivity = 0;
    this.lastEventId = '';
    this.running = false;
    // Bumped by start() and stop(): a loop from an earlier session, still waiting out its
    // backoff after a log-out, sees it changed and ends instead of running a second stream.
    this.generation = 0;
    this.controller = null;
    this.watchdog = null;
  }

  start() {
    if (this.running) return;
    this.running = true;
    this.generation++;
    this.state = 'connecting';
    this.lastActivity = 0;
    this.lastEventId = '';
    this.watchdog = setInterval(() => this.checkIdle(), 1000);
    this.loop(this.generation);
  }

  stop() {
    this.running = false;
    this.generation++;
    clearInterval(this.watchdog);
    this.controller?.abort();
  }

  get stale() {
    return this.state === 'down' || (this.state === 'open' && Date.now() - this.lastActivity > STALE_AFTER_MS);
  }

  setState(state) {
    this.state = state;
    this.onStatus();
  }

  touch() {
    this.lastActivity = Date.now();
    this.onStatus();
  }

  checkIdle() {
    // Aborting the silent connection makes loop() reconnect and resume from lastEventId.
    if (this.state === 'open' && Date.now() - this.lastActivity > STALE_AFTER_MS) {
      this.setState('down');
      this.controller?.abort();
    }
  }

  async loop(generation) {
    const current = () => this.running && generation === this.generation;
    let attempt = 0;
    let retryMs = 0; // the server's "retry:" field, if it sent one
    while (current()) {
      this.controller = new AbortController();
      try {
        const headers = { Authorization: 'Bearer ' + loadToken(), Accept: 'text/event-stream' };
        if (this.lastEventId) headers['Last-Event-ID'] = this.lastEventId;
        const response = await fetch(new URL('events', API_BASE), {
          headers, cache: 'no-store', signal: this.controller.signal,
        });
        if (!current()) return;
        if (response.status === 401) {
          this.stop();
          onUnauthorized();
          return;
        }
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        attempt = 0;
        this.touch();
        this.setState('open');
        this.onOpen();
        retryMs = await this.read(response.body.getReader(), retryMs);
      } catch {
        // A drop, an abort by the watchdog or stop(), or a refused connection: all retried below.
      }
      if (!current()) return;
      this.setState('down');
      const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt++);
      await new Promise(resolve => setTimeout(resolve, Math.max(retryMs, ceiling / 2 + Math.random() * ceiling / 2)));
    }
  }

  /** Reads the stream until it ends; returns the latest "retry:" value. */
  async read(reader, retryMs) {
    const decoder = new TextDecoder();
    let buffer = '';
    let event = { name: '', data: [], id: null };
    let endedWithCR = false;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return retryMs;
      this.touch();
      let chunk = decoder.decode(value, { stream: true });
      // A "\r\n" split across two chunks must not count as two line ends (an empty line
      // would dispatch the event half-read).
      if (endedWithCR && chunk.startsWith('\n')) chunk = chunk.slice(1);
      endedWithCR = chunk.endsWith('\r');
      buffer += chunk;
      const lines = buffer.split(/\r\n|\r|\n/);
      buffer = lines.pop(); // an unfinished line, completed by the next chunk
      for (const line of lines) {
        if (line === '') {
          if (event.id !== null) this.lastEventId = event.id;
          if (event.data.length) this.dispatch(event.name || 'message', event.data.join('\n'));
          event = { name: '', data: [], id: null };
          continue;
        }
        if (line.startsWith(':')) continue; // a comment: the keepalive; touch() already counted it
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let val = colon < 0 ? '' : line.slice(colon + 1);
        if (val.startsWith(' ')) val = val.slice(1);
        if (field === 'data') event.data.push(val);
        else if (field === 'event') event.name = val;
        else if (field === 'id' && !val.includes('\0')) event.id = val;
        else if (field === 'retry' && /^\d+$/.test(val)) retryMs = Number(val);
      }
    }
  }

  dispatch(name, text) {
    let data;
    try { data = JSON.parse(text); } catch { return; } // not ours to show; the next event will come
    this.onEvent(name, data);
  }
}
