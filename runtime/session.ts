/**
 * Sessions as express-session 1.x does them, native to the runtime (what
 * @fastify/session is to Fastify): the same options, the same signed cookie
 * (`s:<id>.<signature>`, cookie-signature, so one secret verifies both
 * sides), the same Store interface and stored JSON, the same rules for when
 * the cookie is set and the session saved or touched. An Express app and a
 * migrated one can share a store and a cookie while both run.
 *
 *   server.requestMiddleware(session({ secret, resave: false, saveUninitialized: false }));
 *   ctx.state.session.userId = user.id;
 *
 * The session is saved before the response is finished: like
 * express-session, the middleware wraps the response's writeHead (sets the
 * cookie) and end (waits for the store), so it holds on every way a response
 * is written: the runtime's write, commitHead and streams, Express code
 * through compat.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { parseCookie } from 'cookie';
import signature from 'cookie-signature';
import { runtimeErrors } from './codes.js';
import type { Context } from './context.js';
import { SessionCookie, type SessionCookieOptions } from './session-cookie.js';
import { sessionErrors } from './session-errors.js';
import { MemoryStore, type SessionData, type SessionStore } from './session-store.js';

export { MemoryStore, SessionCookie };
export type { SessionCookieOptions, SessionData, SessionStore };

export interface SessionOptions {
  /** Cookie name. Default 'connect.sid' (express-session's). `key` is the old alias. */
  name?: string;
  key?: string;
  /** Signs the cookie; an array rotates: the first signs, all verify. Default: the Server's cookieSecret. */
  secret?: string | string[];
  /** Default: a new MemoryStore. */
  store?: SessionStore;
  cookie?: SessionCookieOptions;
  /** Save sessions the request did not change. Default true (express-session's, deprecated there too). */
  resave?: boolean;
  /** Save (and send the cookie for) new sessions the request did not change. Default true. */
  saveUninitialized?: boolean;
  /** Send the cookie, with a fresh expiry, on every response. Default false. */
  rolling?: boolean;
  /** New session ids. Default: 24 random bytes, base64url (express-session's uid-safe). */
  genid?: (ctx: Context<any, any>) => string;
  /** Trust X-Forwarded-Proto for secure cookies: true, false, or undefined (the Server's trustProxy decides). */
  proxy?: boolean;
  /** What `delete ctx.state.session` (or setting it to null) does: 'keep' (default) or 'destroy' the stored session. */
  unset?: 'keep' | 'destroy';
}

export type SessionMiddleware = ((ctx: Context<any, any>) => void | Promise<void>) & { readonly store: SessionStore };

type Callback = (err?: unknown) => void;

interface Config {
  name: string;
  secrets: string[] | null;
  store: SessionStore;
  cookie: SessionCookieOptions;
  cookiePath: string;
  resave: boolean;
  saveUninitialized: boolean;
  rolling: boolean;
  genid: (ctx: Context<any, any>) => string;
  proxy: boolean | undefined;
  unsetDestroy: boolean;
  storeReady: boolean;
  storeTouches: boolean;
}

const kRequest = Symbol('expressway.session');

/** `ctx.state.session`: the app's fields (saved as JSON) and express-session's methods. */
export class Session {
  declare readonly id: string;
  declare cookie: SessionCookie;
  declare readonly [kRequest]: SessionRequest;
  [field: string]: any;

  constructor(request: SessionRequest, id: string, data?: Record<string, unknown>) {
    Object.defineProperty(this, 'id', { value: id });
    Object.defineProperty(this, kRequest, { value: request });
    if (data) {
      for (const field of Object.keys(data)) if (!(field in this)) this[field] = data[field];
    }
  }

  /** Restarts the cookie's maxAge (done for you once per request). */
  touch(): this {
    return this.resetMaxAge();
  }

  resetMaxAge(): this {
    this.cookie.maxAge = this.cookie.originalMaxAge ?? null;
    return this;
  }

  /** Writes the session to the store now (it is also saved when the response ends, if it changed). */
  save(): Promise<void>;
  save(callback: Callback): this;
  save(callback?: Callback): this | Promise<void> {
    return settle(this, callback, (done) => this[kRequest].save(this, done));
  }

  /** Reads the session again from the store into ctx.state.session. */
  reload(): Promise<void>;
  reload(callback: Callback): this;
  reload(callback?: Callback): this | Promise<void> {
    return settle(this, callback, (done) => this[kRequest].reload(this, done));
  }

  /** Removes the session from the store and from ctx.state; no cookie is sent. */
  destroy(): Promise<void>;
  destroy(callback: Callback): this;
  destroy(callback?: Callback): this | Promise<void> {
    return settle(this, callback, (done) => this[kRequest].destroy(this, done));
  }

  /** Replaces the session with a new, empty one under a new id (after login, against fixation). */
  regenerate(): Promise<void>;
  regenerate(callback: Callback): this;
  regenerate(callback?: Callback): this | Promise<void> {
    return settle(this, callback, (done) => this[kRequest].regenerate(done));
  }
}

/** Callback style returns the session (express-session's chaining); without one, a promise. */
function settle<T extends Session>(session: T, callback: Callback | undefined, run: (done: Callback) => void): T | Promise<void> {
  if (callback) {
    run(callback);
    return session;
  }
  const promise = new Promise<void>((resolve, reject) => run((err) => (err ? reject(err) : resolve())));
  // `session.save()` without a callback is fire-and-forget in express-session: not an unhandled rejection.
  promise.catch(noop);
  return promise;
}

function noop(): void {}

/** The session middleware. Register it before the code that reads ctx.state.session. */
export function session(options: SessionOptions = {}): SessionMiddleware {
  const config = resolveSessionOptions(options);
  if (typeof config.store.on === 'function') {
    config.store.on('disconnect', () => { config.storeReady = false; });
    config.store.on('connect', () => { config.storeReady = true; });
  }
  const middleware = (ctx: Context<any, any>) => startSession(config, ctx);
  return Object.assign(middleware, { store: config.store });
}

function resolveSessionOptions(options: SessionOptions): Config {
  const invalid = (what: string) => runtimeErrors.EXW_ERR_CONFIG_INVALID('session', what);
  if (options.genid !== undefined && typeof options.genid !== 'function') throw invalid('genid must be a function');
  if (options.unset !== undefined && options.unset !== 'keep' && options.unset !== 'destroy') throw invalid("unset must be 'keep' or 'destroy'");
  const cookie = options.cookie ?? {};
  if (typeof cookie !== 'object') throw invalid('cookie must be an object of cookie settings');
  const secret = options.secret;
  if (Array.isArray(secret) && secret.length === 0) throw invalid('secret array must contain one or more strings');
  const secrets = secret ? (Array.isArray(secret) ? secret : [secret]) : null;
  if (secrets?.some((s) => typeof s !== 'string' || s.length === 0)) throw invalid('secret must be a non-empty string or an array of them');
  const store = options.store ?? new MemoryStore();
  if (typeof store.get !== 'function' || typeof store.set !== 'function' || typeof store.destroy !== 'function') {
    throw invalid('store must implement get, set and destroy');
  }
  return {
    name: options.name ?? options.key ?? 'connect.sid',
    secrets,
    store,
    cookie,
    cookiePath: cookie.path ?? '/',
    resave: options.resave ?? true,
    saveUninitialized: options.saveUninitialized ?? true,
    rolling: Boolean(options.rolling),
    genid: options.genid ?? generateSessionId,
    proxy: options.proxy,
    unsetDestroy: options.unset === 'destroy',
    storeReady: true,
    storeTouches: typeof store.touch === 'function',
  };
}

function generateSessionId(): string {
  return randomBytes(24).toString('base64url');
}

function startSession(config: Config, ctx: Context<any, any>): void | Promise<void> {
  const state = ctx.state as Record<string, unknown>;
  // Registered twice (app and router): the first one owns the request.
  if (state.session) return;
  if (!config.storeReady) return;
  const q = ctx.url.indexOf('?');
  const pathname = q === -1 ? ctx.url : ctx.url.slice(0, q);
  if (!pathname.startsWith(config.cookiePath)) return;
  const secrets = config.secrets ?? ctx._core.options.cookieSecrets;
  if (secrets.length === 0) throw sessionErrors.EXW_ERR_SESSION_NO_SECRET();
  const request = new SessionRequest(config, ctx, secrets, readSessionId(ctx, config.name, secrets));
  if (ctx._res !== null) request.hookResponse(ctx._res);
  if (request.cookieId === undefined) {
    request.generate();
    return;
  }
  return request.load();
}

/** The id from a signed session cookie that verifies with one of the secrets; undefined otherwise. */
function readSessionId(ctx: Context<any, any>, name: string, secrets: readonly string[]): string | undefined {
  const header = ctx.req.headers.cookie;
  if (!header) return undefined;
  const raw = parseCookie(header)[name];
  if (!raw || !raw.startsWith('s:')) return undefined;
  const signed = raw.slice(2);
  for (const secret of secrets) {
    const value = signature.unsign(signed, secret);
    if (value !== false) return value;
  }
  return undefined;
}

/** One request's session bookkeeping: express-session's closure variables, as fields. */
class SessionRequest {
  /** The id of the current session (the destroyed one's too, for unset: 'destroy'). */
  sessionId: string | undefined;
  originalId: string | undefined;
  /** JSON of the session (cookie left out) when loaded, and when last saved. */
  originalHash: string | undefined;
  savedHash: string | undefined;
  touched = false;
  ended = false;
  writeHead: ServerResponse['writeHead'] | undefined;
  end: ServerResponse['end'] | undefined;

  constructor(readonly config: Config, readonly ctx: Context<any, any>, readonly secrets: readonly string[], readonly cookieId: string | undefined) {
    this.sessionId = cookieId;
  }

  get current(): Session | undefined {
    const session = (this.ctx.state as Record<string, unknown>).session;
    return session == null ? undefined : (session as Session);
  }

  set current(session: Session | undefined) {
    const state = this.ctx.state as Record<string, unknown>;
    if (session === undefined) delete state.session;
    else state.session = session;
  }

  /** A new session (express-session's store.generate). */
  create(): void {
    const { config, ctx } = this;
    const id = config.genid(ctx);
    this.sessionId = id;
    const session = new Session(this, id);
    session.cookie = new SessionCookie(config.cookie);
    if (config.cookie.secure === 'auto') session.cookie.secure = this.isSecure();
    if (config.cookie.sameSite === 'auto') session.cookie.sameSite = this.isSecure() ? 'none' : 'lax';
    this.current = session;
  }

  generate(): void {
    this.create();
    this.originalId = this.sessionId;
    this.originalHash = hash(this.current!);
  }

  /** Session data from the store becomes ctx.state.session (express-session's store.createSession). */
  inflate(data: SessionData): Session {
    const { expires, originalMaxAge } = data.cookie;
    const cookie = new SessionCookie(data.cookie);
    if (typeof expires === 'string') cookie.expires = new Date(expires);
    cookie.originalMaxAge = originalMaxAge;
    const session = new Session(this, this.sessionId!, { ...data, cookie });
    this.current = session;
    return session;
  }

  load(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.config.store.get(this.sessionId!, (err, data) => {
        if (err && (err as { code?: unknown }).code !== 'ENOENT') {
          reject(err);
          return;
        }
        try {
          if (err || !data) this.generate();
          else {
            const session = this.inflate(data);
            this.originalId = this.sessionId;
            this.originalHash = hash(session);
            if (!this.config.resave) this.savedHash = this.originalHash;
          }
        } catch (error) {
          reject(error);
          return;
        }
        resolve();
      });
    });
  }

  save(session: Session, done: Callback): void {
    this.savedHash = hash(session);
    this.config.store.set(session.id, session as unknown as SessionData, done);
  }

  reload(session: Session, done: Callback): void {
    this.config.store.get(session.id, (err, data) => {
      if (err) return done(err);
      if (!data) return done(sessionErrors.EXW_ERR_SESSION_NOT_FOUND(session.id));
      try {
        this.inflate(data);
      } catch (error) {
        return done(error);
      }
      done();
    });
  }

  destroy(session: Session, done: Callback): void {
    this.current = undefined;
    this.config.store.destroy(session.id, done);
  }

  regenerate(done: Callback): void {
    this.config.store.destroy(this.sessionId!, (err) => {
      this.create();
      done(err);
    });
  }

  isSecure(): boolean {
    if ((this.ctx.req.socket as { encrypted?: boolean }).encrypted === true) return true;
    const proxy = this.config.proxy;
    if (proxy === false) return false;
    if (proxy !== true) return this.ctx.secure;
    const header = this.ctx.req.headers['x-forwarded-proto'];
    const first = (Array.isArray(header) ? header[0] : header ?? '').split(',')[0]!;
    return first.trim().toLowerCase() === 'https';
  }

  isModified(session: Session): boolean {
    return this.originalId !== session.id || this.originalHash !== hash(session);
  }

  isSaved(session: Session): boolean {
    return this.originalId === session.id && this.savedHash === hash(session);
  }

  shouldSave(session: Session): boolean {
    if (typeof this.sessionId !== 'string') return false;
    return !this.config.saveUninitialized && !this.savedHash && this.cookieId !== this.sessionId
      ? this.isModified(session)
      : !this.isSaved(session);
  }

  shouldTouch(session: Session): boolean {
    if (typeof this.sessionId !== 'string') return false;
    return this.cookieId === this.sessionId && !this.shouldSave(session);
  }

  shouldSetCookie(session: Session): boolean {
    if (typeof this.sessionId !== 'string') return false;
    return this.cookieId !== this.sessionId
      ? this.config.saveUninitialized || this.isModified(session)
      : this.config.rolling || (session.cookie.expires != null && this.isModified(session));
  }

  /** The Set-Cookie value this response carries, or null (decided when the head is written). */
  cookieToSet(): string | null {
    const session = this.current;
    if (session === undefined || !this.shouldSetCookie(session)) return null;
    // Only send secure cookies over https.
    if (session.cookie.secure && !this.isSecure()) return null;
    if (!this.touched) {
      session.touch();
      this.touched = true;
    }
    return session.cookie.serialize(this.config.name, 's:' + signature.sign(this.sessionId!, this.secrets[0]!));
  }

  hookResponse(res: ServerResponse): void {
    this.writeHead = res.writeHead;
    this.end = res.end;
    (res as WithRequest)[kRequest] = this;
    res.writeHead = writeHeadWithCookie as ServerResponse['writeHead'];
    res.end = endAfterCommit as ServerResponse['end'];
  }

  /**
   * Destroys, saves or touches the stored session as express-session does
   * when the response ends; `finish` ends the response afterwards.
   */
  commit(finish: () => void): void {
    const { config } = this;
    const after: Callback = (err) => {
      if (err) this.report(err);
      finish();
    };
    const session = this.current;
    if (session === undefined) {
      if (this.sessionId && config.unsetDestroy) config.store.destroy(this.sessionId, after);
      else finish();
      return;
    }
    if (!this.touched) {
      session.touch();
      this.touched = true;
    }
    if (this.shouldSave(session)) this.save(session, after);
    else if (config.storeTouches && this.shouldTouch(session)) config.store.touch!(this.sessionId!, session as unknown as SessionData, after);
    else finish();
  }

  /** A store failure after the head was written: the client still gets its response (as with express-session), the error is logged. */
  report(err: unknown): void {
    if (this.ctx._core.options.logErrors) console.error(`[expressway] session store failed for ${this.ctx.method} ${this.ctx.url}:`, err);
  }
}

type WithRequest = ServerResponse & { [kRequest]: SessionRequest };

/** res.writeHead while a session is open: adds the session cookie when express-session would. */
function writeHeadWithCookie(this: WithRequest, ...args: unknown[]): ServerResponse {
  const request = this[kRequest];
  const cookie = request.cookieToSet();
  if (cookie !== null) addSetCookie(this, args, cookie);
  return (request.writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
}

/** res.end while a session is open: the store is written first, then the response ends. */
function endAfterCommit(this: WithRequest, ...args: unknown[]): ServerResponse {
  const request = this[kRequest];
  const end = request.end as (...a: unknown[]) => ServerResponse;
  if (request.ended) return this;
  request.ended = true;
  let sync = true;
  let synchronousResult: ServerResponse | undefined;
  request.commit(() => {
    if (sync) synchronousResult = end.apply(this, args);
    else end.apply(this, args);
  });
  sync = false;
  return synchronousResult ?? this;
}

/**
 * Puts the cookie into the header set writeHead is about to send: into its
 * headers argument when that holds Set-Cookie (node would let it replace
 * ours), else on the response.
 */
function addSetCookie(res: ServerResponse, args: unknown[], cookie: string): void {
  const last = args[args.length - 1];
  if (Array.isArray(last)) {
    // Flat [name, value, ...]: node removes the names it lists before adding them, so list ours with what is there.
    const existing = res.getHeader('set-cookie');
    last.push('set-cookie', existing === undefined ? cookie : [...toList(existing), cookie]);
    return;
  }
  if (last !== null && typeof last === 'object') {
    const headers = last as Record<string, unknown>;
    const key = Object.keys(headers).find((k) => k.toLowerCase() === 'set-cookie');
    if (key !== undefined) {
      headers[key] = [...toList(headers[key]), cookie];
      return;
    }
  }
  const existing = res.getHeader('set-cookie');
  res.setHeader('set-cookie', existing === undefined ? cookie : [...toList(existing), cookie]);
}

function toList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/** The session's JSON without its cookie: what decides "modified" and "saved". */
function hash(session: Session): string {
  return JSON.stringify(session, function (this: unknown, key, value) {
    return this === session && key === 'cookie' ? undefined : value;
  });
}
