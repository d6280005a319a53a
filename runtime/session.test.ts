import { afterEach, describe, expect, it } from 'vitest';
import express from 'express';
import expressSession from 'express-session';
import type { AddressInfo } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import signature from 'cookie-signature';
import { MemoryStore, Server, session, type SessionData, type SessionOptions, type SessionStore } from './index.js';

const SECRET = 'keyboard cat';
const closers: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A runtime app with login/logout/me routes on the session; returns its base URL. */
async function runtimeApp(options: SessionOptions, serverOptions: ConstructorParameters<typeof Server>[0] = {}): Promise<string> {
  const app = new Server({ logErrors: false, ...serverOptions });
  app.requestMiddleware(session(options));
  app.post('/login', async (ctx) => {
    const { user } = (await ctx.json()) as { user: string };
    await new Promise<void>((resolve, reject) => ctx.state.session.regenerate((err: unknown) => (err ? reject(err) : resolve())));
    ctx.state.session.user = user;
    ctx.json({ id: ctx.state.session.id });
  });
  app.post('/login-promise', async (ctx) => {
    await ctx.state.session.regenerate();
    ctx.state.session.user = 'promised';
    await ctx.state.session.save();
    ctx.json({ id: ctx.state.session.id });
  });
  app.post('/logout', async (ctx) => {
    await ctx.state.session.destroy();
    ctx.status = 204;
  });
  app.post('/unset', (ctx) => {
    delete ctx.state.session;
    ctx.status = 204;
  });
  app.get('/me', (ctx) => {
    const s = ctx.state.session;
    if (s.user !== undefined) s.views = (s.views ?? 0) + 1;
    ctx.json({ id: s.id, user: s.user ?? null, views: s.views ?? 0 });
  });
  app.get('/peek', (ctx) => ctx.json({ id: ctx.state.session.id, user: ctx.state.session.user ?? null }));
  app.post('/reload', async (ctx) => {
    ctx.state.session.user = 'scribbled';
    await ctx.state.session.reload();
    ctx.json({ user: ctx.state.session.user ?? null });
  });
  const running = await app.listen({ port: 0, host: '127.0.0.1' });
  closers.push(() => running.close());
  return running.url;
}

function sessionCookie(res: Response, name = 'connect.sid'): string | undefined {
  const line = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  return line?.split(';')[0];
}

function setCookieLine(res: Response, name = 'connect.sid'): string | undefined {
  return res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
}

function post(url: string, body: unknown, cookie?: string): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) });
}

function get(url: string, cookie?: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { headers: { ...headers, ...(cookie ? { cookie } : {}) } });
}

function countSessions(store: MemoryStore): Promise<number> {
  return new Promise((resolve, reject) => store.length((err, n) => (err ? reject(err) : resolve(n!))));
}

describe('session: cookie round trip and login/logout', () => {
  it('logs in (regenerate with a callback), keeps state across requests, logs out', async () => {
    const store = new MemoryStore();
    const url = await runtimeApp({ secret: SECRET, store, name: 'sid', resave: false, saveUninitialized: false, cookie: { httpOnly: true, sameSite: 'lax', maxAge: 60_000 } });
    const login = await post(`${url}/login`, { user: 'alice' });
    const line = setCookieLine(login, 'sid')!;
    expect(line).toMatch(/^sid=s%3A[\w-]+\.[\w%+/=-]+; Path=\/; Expires=.+; HttpOnly; SameSite=Lax$/);
    const cookie = sessionCookie(login, 'sid')!;
    const { id } = (await login.json()) as { id: string };
    expect(decodeURIComponent(cookie.slice(4))).toBe('s:' + signature.sign(id, SECRET));

    const me1 = await (await get(`${url}/me`, cookie)).json();
    const me2 = await (await get(`${url}/me`, cookie)).json();
    expect(me1).toEqual({ id, user: 'alice', views: 1 });
    expect(me2).toEqual({ id, user: 'alice', views: 2 });

    const logout = await post(`${url}/logout`, {}, cookie);
    expect(logout.status).toBe(204);
    expect(sessionCookie(logout, 'sid')).toBeUndefined();
    expect(await countSessions(store)).toBe(0);
    const after = (await (await get(`${url}/me`, cookie)).json()) as { id: string; user: string | null };
    expect(after.user).toBeNull();
    expect(after.id).not.toBe(id);
  });

  it('regenerate gives a new id and drops the old session from the store', async () => {
    const store = new MemoryStore();
    const url = await runtimeApp({ secret: SECRET, store, resave: false, saveUninitialized: false });
    const first = await post(`${url}/login`, { user: 'bob' });
    const { id: firstId } = (await first.json()) as { id: string };
    const second = await post(`${url}/login`, { user: 'bob' }, sessionCookie(first));
    const { id: secondId } = (await second.json()) as { id: string };
    expect(secondId).not.toBe(firstId);
    expect(Object.keys(store.sessions)).toEqual([secondId]);
  });

  it('promise style: await regenerate(), save(), destroy(), reload()', async () => {
    const store = new MemoryStore();
    const url = await runtimeApp({ secret: SECRET, store, resave: false, saveUninitialized: false });
    const login = await post(`${url}/login-promise`, {});
    const cookie = sessionCookie(login)!;
    expect(await (await get(`${url}/peek`, cookie)).json()).toMatchObject({ user: 'promised' });
    expect(await (await post(`${url}/reload`, {}, cookie)).json()).toEqual({ user: 'promised' });
  });
});

describe('session: when the cookie is set and the store written', () => {
  it('saveUninitialized false: an untouched new session sets no cookie and stores nothing', async () => {
    const store = new MemoryStore();
    const url = await runtimeApp({ secret: SECRET, store, resave: false, saveUninitialized: false });
    const res = await get(`${url}/peek`);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await countSessions(store)).toBe(0);
  });

  it('saveUninitialized true: an untouched new session is stored and its cookie sent', async () => {
    const store = new MemoryStore();
    const url = await runtimeApp({ secret: SECRET, store, resave: false, saveUninitialized: true });
    const res = await get(`${url}/peek`);
    const { id } = (await res.json()) as { id: string };
    expect(sessionCookie(res)).toBeDefined();
    expect(Object.keys(store.sessions)).toEqual([id]);
  });

  it('rolling sends the cookie on every response; without it an unchanged session sends none', async () => {
    for (const rolling of [true, false]) {
      const url = await runtimeApp({ secret: SECRET, resave: false, saveUninitialized: false, rolling, cookie: { maxAge: 60_000 } });
      const cookie = sessionCookie(await post(`${url}/login`, { user: 'carol' }))!;
      const again = await get(`${url}/peek`, cookie);
      expect(sessionCookie(again) !== undefined).toBe(rolling);
    }
  });

  it('resave false touches an unchanged session; resave true writes it again', async () => {
    for (const resave of [false, true]) {
      const calls: string[] = [];
      const store = new MemoryStore();
      const spy: SessionStore = {
        get: (sid, cb) => store.get(sid, cb),
        set: (sid, s, cb) => { calls.push('set'); store.set(sid, s, cb); },
        destroy: (sid, cb) => store.destroy(sid, cb),
        touch: (sid, s, cb) => { calls.push('touch'); store.touch(sid, s, cb); },
      };
      const url = await runtimeApp({ secret: SECRET, store: spy, resave, saveUninitialized: false });
      const cookie = sessionCookie(await post(`${url}/login`, { user: 'dave' }))!;
      calls.length = 0;
      await (await get(`${url}/peek`, cookie)).json();
      expect(calls).toEqual([resave ? 'set' : 'touch']);
    }
  });

  it('an expired session in MemoryStore is gone: the request gets a fresh one', async () => {
    const store = new MemoryStore();
    const url = await runtimeApp({ secret: SECRET, store, resave: false, saveUninitialized: false, cookie: { maxAge: 60_000 } });
    const login = await post(`${url}/login`, { user: 'erin' });
    const { id } = (await login.json()) as { id: string };
    const cookie = sessionCookie(login)!;
    const stored = JSON.parse(store.sessions[id]!) as SessionData;
    expect(new Date(stored.cookie.expires as string).valueOf()).toBeGreaterThan(Date.now());
    stored.cookie.expires = new Date(Date.now() - 1000).toISOString();
    store.sessions[id] = JSON.stringify(stored);
    const after = (await (await get(`${url}/peek`, cookie)).json()) as { id: string; user: string | null };
    expect(after.user).toBeNull();
    expect(after.id).not.toBe(id);
    expect(store.sessions[id]).toBeUndefined();
  });

  it("unset: 'destroy' removes the stored session when the app deletes it; 'keep' leaves it", async () => {
    for (const unset of ['destroy', 'keep'] as const) {
      const store = new MemoryStore();
      const url = await runtimeApp({ secret: SECRET, store, resave: false, saveUninitialized: false, unset });
      const cookie = sessionCookie(await post(`${url}/login`, { user: 'fay' }))!;
      await post(`${url}/unset`, {}, cookie);
      expect(await countSessions(store)).toBe(unset === 'destroy' ? 0 : 1);
    }
  });

  it("secure: 'auto' follows the Server's trustProxy; secure: true sends nothing over http", async () => {
    const auto = await runtimeApp({ secret: SECRET, saveUninitialized: true, resave: false, cookie: { secure: 'auto' } }, { trustProxy: true });
    expect(setCookieLine(await get(`${auto}/peek`, undefined, { 'x-forwarded-proto': 'https' }))).toMatch(/; Secure/);
    expect(setCookieLine(await get(`${auto}/peek`))).not.toMatch(/Secure/);
    const strict = await runtimeApp({ secret: SECRET, saveUninitialized: true, resave: false, cookie: { secure: true } });
    expect((await get(`${strict}/peek`)).headers.getSetCookie()).toEqual([]);
  });
});

describe('session: secrets and stores', () => {
  it('rotates secrets: a cookie signed with an old secret is accepted, and re-signed with the new one', async () => {
    const store = new MemoryStore();
    const oldUrl = await runtimeApp({ secret: 'old-secret', store, resave: false, saveUninitialized: false });
    const cookie = sessionCookie(await post(`${oldUrl}/login`, { user: 'gus' }))!;
    const url = await runtimeApp({ secret: ['new-secret', 'old-secret'], store, resave: false, saveUninitialized: false, rolling: true });
    const res = await get(`${url}/peek`, cookie);
    const { id, user } = (await res.json()) as { id: string; user: string };
    expect(user).toBe('gus');
    expect(decodeURIComponent(sessionCookie(res)!.split('=')[1]!)).toBe('s:' + signature.sign(id, 'new-secret'));
    const unknown = await runtimeApp({ secret: 'other', store, resave: false, saveUninitialized: false });
    expect(await (await get(`${unknown}/peek`, cookie)).json()).toMatchObject({ user: null });
  });

  it("falls back to the Server's cookieSecret, and answers 500 without any secret", async () => {
    const withServerSecret = await runtimeApp({ resave: false, saveUninitialized: true }, { cookieSecret: SECRET });
    const res = await get(`${withServerSecret}/peek`);
    const { id } = (await res.json()) as { id: string };
    expect(decodeURIComponent(sessionCookie(res)!.split('=')[1]!)).toBe('s:' + signature.sign(id, SECRET));
    const without = await runtimeApp({ resave: false, saveUninitialized: true });
    expect((await get(`${without}/peek`)).status).toBe(500);
  });

  it('works with a third-party style store that only has the callback interface', async () => {
    const data = new Map<string, string>();
    const store: SessionStore = {
      get(sid, cb) { process.nextTick(() => cb(null, data.has(sid) ? JSON.parse(data.get(sid)!) : null)); },
      set(sid, s, cb) { data.set(sid, JSON.stringify(s)); process.nextTick(() => cb?.()); },
      destroy(sid, cb) { data.delete(sid); process.nextTick(() => cb?.()); },
    };
    const url = await runtimeApp({ secret: SECRET, store, resave: false, saveUninitialized: false });
    const login = await post(`${url}/login`, { user: 'hal' });
    const cookie = sessionCookie(login)!;
    expect(await (await get(`${url}/me`, cookie)).json()).toMatchObject({ user: 'hal', views: 1 });
    expect(await (await get(`${url}/me`, cookie)).json()).toMatchObject({ user: 'hal', views: 2 });
    expect(data.size).toBe(1);
    await post(`${url}/logout`, {}, cookie);
    expect(data.size).toBe(0);
  });

  it('a store error while loading goes to the panic hooks (500)', async () => {
    const store: SessionStore = {
      get: (_sid, cb) => cb(new Error('store down')),
      set: (_sid, _s, cb) => cb?.(),
      destroy: (_sid, cb) => cb?.(),
    };
    const url = await runtimeApp({ secret: SECRET, store, resave: false, saveUninitialized: false });
    const cookie = `connect.sid=${encodeURIComponent('s:' + signature.sign('abc', SECRET))}`;
    expect((await get(`${url}/peek`, cookie)).status).toBe(500);
  });
});

describe('session: interop with express-session (same secret, name and store)', () => {
  async function expressApp(store: expressSession.Store): Promise<string> {
    const app = express();
    app.use(express.json());
    app.use(expressSession({ secret: SECRET, store, name: 'sid', resave: false, saveUninitialized: false, cookie: { maxAge: 60_000, sameSite: 'lax' } }));
    app.post('/login', (req, res, next) => {
      req.session.regenerate((err) => {
        if (err) return next(err);
        (req.session as unknown as Record<string, unknown>).user = req.body.user;
        res.json({ id: req.session.id });
      });
    });
    app.get('/me', (req, res) => {
      const s = req.session as unknown as Record<string, number | string | undefined>;
      if (s.user !== undefined) s.views = ((s.views as number | undefined) ?? 0) + 1;
      res.json({ id: req.session.id, user: s.user ?? null, views: s.views ?? 0 });
    });
    const server: HttpServer = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
    closers.push(() => new Promise((resolve) => server.close(resolve)));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('a session started on Express continues on the runtime and back again', async () => {
    const store = new expressSession.MemoryStore();
    const legacy = await expressApp(store);
    const migrated = await runtimeApp({ secret: SECRET, store: store as unknown as SessionStore, name: 'sid', resave: false, saveUninitialized: false, cookie: { maxAge: 60_000, sameSite: 'lax' } });

    const login = await post(`${legacy}/login`, { user: 'ivy' });
    const expressCookie = sessionCookie(login, 'sid')!;
    const { id } = (await login.json()) as { id: string };
    expect(await (await get(`${migrated}/me`, expressCookie)).json()).toEqual({ id, user: 'ivy', views: 1 });
    expect(await (await get(`${legacy}/me`, expressCookie)).json()).toEqual({ id, user: 'ivy', views: 2 });
    expect(await (await get(`${migrated}/me`, expressCookie)).json()).toEqual({ id, user: 'ivy', views: 3 });
  });

  it('a session started on the runtime is read by express-session, with the same Set-Cookie shape', async () => {
    const store = new expressSession.MemoryStore();
    const legacy = await expressApp(store);
    const migrated = await runtimeApp({ secret: SECRET, store: store as unknown as SessionStore, name: 'sid', resave: false, saveUninitialized: false, cookie: { maxAge: 60_000, sameSite: 'lax' } });

    const runtimeLogin = await post(`${migrated}/login`, { user: 'jon' });
    const expressLogin = await post(`${legacy}/login`, { user: 'kim' });
    const shape = (line: string) => line.replace(/=s%3A[^;]+/, '=ID').replace(/Expires=[^;]+/, 'Expires=DATE');
    expect(shape(setCookieLine(runtimeLogin, 'sid')!)).toBe(shape(setCookieLine(expressLogin, 'sid')!));

    const runtimeCookie = sessionCookie(runtimeLogin, 'sid')!;
    const { id } = (await runtimeLogin.json()) as { id: string };
    expect(await (await get(`${legacy}/me`, runtimeCookie)).json()).toEqual({ id, user: 'jon', views: 1 });
    expect(await (await get(`${migrated}/me`, runtimeCookie)).json()).toEqual({ id, user: 'jon', views: 2 });
  });
});
