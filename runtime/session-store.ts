/**
 * Session stores: the callback interface express-session defined (get, set,
 * destroy, optional touch), so connect-redis, connect-mongo and the rest plug
 * in unchanged, and MemoryStore with express-session's semantics (sessions
 * kept as JSON strings, an expired one is dropped when read).
 */
import { EventEmitter } from 'node:events';
import type { SessionCookieData } from './session-cookie.js';

/** A session as stores hold it: the app's fields plus `cookie`. */
export interface SessionData {
  cookie: SessionCookieData;
  [key: string]: unknown;
}

type Callback = (err?: unknown) => void;

/**
 * What the session middleware calls. A store written for express-session
 * (usually a subclass of its Store) satisfies it as it is; `on('connect' |
 * 'disconnect')` is honoured when present: while disconnected, requests go
 * on without a session, as in express-session.
 */
export interface SessionStore {
  get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void;
  set(sid: string, session: SessionData, callback?: Callback): void;
  destroy(sid: string, callback?: Callback): void;
  touch?(sid: string, session: SessionData, callback?: Callback): void;
  on?(event: 'connect' | 'disconnect', listener: () => void): unknown;
}

/** In-process store for one instance and for tests; sessions do not survive a restart. */
export class MemoryStore extends EventEmitter implements SessionStore {
  sessions: Record<string, string> = Object.create(null) as Record<string, string>;

  get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    setImmediate(callback, null, this.read(sid));
  }

  set(sid: string, session: SessionData, callback?: Callback): void {
    this.sessions[sid] = JSON.stringify(session);
    if (callback) setImmediate(callback);
  }

  destroy(sid: string, callback?: Callback): void {
    delete this.sessions[sid];
    if (callback) setImmediate(callback);
  }

  /** Moves the expiry of a stored session without rewriting its data. */
  touch(sid: string, session: SessionData, callback?: Callback): void {
    const current = this.read(sid);
    if (current) {
      current.cookie = session.cookie;
      this.sessions[sid] = JSON.stringify(current);
    }
    if (callback) setImmediate(callback);
  }

  all(callback: (err: unknown, sessions?: Record<string, SessionData>) => void): void {
    const out = Object.create(null) as Record<string, SessionData>;
    for (const sid of Object.keys(this.sessions)) {
      const session = this.read(sid);
      if (session) out[sid] = session;
    }
    setImmediate(callback, null, out);
  }

  length(callback: (err: unknown, length?: number) => void): void {
    this.all((err, sessions) => callback(err, sessions ? Object.keys(sessions).length : undefined));
  }

  clear(callback?: Callback): void {
    this.sessions = Object.create(null) as Record<string, string>;
    if (callback) setImmediate(callback);
  }

  private read(sid: string): SessionData | undefined {
    const raw = this.sessions[sid];
    if (raw === undefined) return undefined;
    const session = JSON.parse(raw) as SessionData;
    const expires = session.cookie?.expires;
    if (expires && new Date(expires).valueOf() <= Date.now()) {
      delete this.sessions[sid];
      return undefined;
    }
    return session;
  }
}
