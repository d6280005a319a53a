/** Matrix: cookie-parser, express-session (memory store), passport (local strategy) with sessions. */
import { expect, it } from 'vitest';
import express from 'express';
import cookieParser from 'cookie-parser';
import session from 'express-session';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { sign } from 'cookie-signature';
import { fromExpress } from '../index.js';
import { eachMode, request, RESPONSE_HOOK } from './__testfixtures__/modes.js';

const SECRET = 'matrix secret';

eachMode('cookie-parser', {
  fromExpress(server) {
    server.requestMiddleware(fromExpress(cookieParser(SECRET)));
    server.get('/cookies', (ctx) => ctx.json({ cookies: (ctx.req as any).cookies, signed: (ctx.req as any).signedCookies }));
  },
  mountExpress(app) {
    app.use(cookieParser(SECRET));
    app.get('/cookies', (req, res) => res.json({ cookies: req.cookies, signed: req.signedCookies }));
  },
}, (target) => {
  it('parses plain and signed cookies, rejecting a forged signature', async () => {
    const good = encodeURIComponent('s:' + sign('alice', SECRET));
    const res = await request(target().port, 'GET', '/cookies', { cookie: `plain=1; who=${good}; forged=${encodeURIComponent('s:bob.bad')}` });
    const body = JSON.parse(res.body.toString());
    expect(body.cookies).toEqual({ plain: '1' });
    expect(body.signed).toEqual({ who: 'alice', forged: false });
    expect(res.headers[RESPONSE_HOOK]).toBe('yes');
  });
});

const sessionOptions = () => session({ secret: SECRET, resave: false, saveUninitialized: false });

function cookieOf(res: { headers: Record<string, unknown> }): string {
  const set = res.headers['set-cookie'] as string[] | undefined;
  expect(set, 'a session cookie').toBeDefined();
  return set!.map((c) => c.split(';')[0]).join('; ');
}

eachMode('express-session', {
  fromExpress(server) {
    server.requestMiddleware(fromExpress(sessionOptions()));
    server.get('/count', (ctx) => {
      const s = (ctx.state as any).session; // req.session, bridged
      s.views = (s.views ?? 0) + 1;
      ctx.json({ views: s.views });
    });
  },
  mountExpress(app) {
    app.use(sessionOptions());
    app.get('/count', (req: any, res) => {
      req.session.views = (req.session.views ?? 0) + 1;
      res.json({ views: req.session.views });
    });
  },
}, (target) => {
  it('sets a session cookie that round-trips: the count survives between requests', async () => {
    const first = await request(target().port, 'GET', '/count');
    expect(JSON.parse(first.body.toString())).toEqual({ views: 1 });
    const cookie = cookieOf(first);
    expect(cookie).toMatch(/^connect\.sid=/);
    const second = await request(target().port, 'GET', '/count', { cookie });
    expect(JSON.parse(second.body.toString())).toEqual({ views: 2 });
    const third = await request(target().port, 'GET', '/count', { cookie });
    expect(JSON.parse(third.body.toString())).toEqual({ views: 3 });
    expect(third.headers[RESPONSE_HOOK]).toBe('yes');
  });
});

function makePassport(): passport.PassportStatic {
  const pp = new (passport as any).Passport() as passport.PassportStatic;
  pp.use(new LocalStrategy((username, password, done) => {
    if (username === 'ada' && password === 'lovelace') done(null, { id: 1, name: 'ada' });
    else done(null, false);
  }));
  pp.serializeUser((user: any, done) => done(null, user.id));
  pp.deserializeUser((id: number, done) => done(null, id === 1 ? { id: 1, name: 'ada' } : false));
  return pp;
}

eachMode('passport (local strategy) with sessions', {
  fromExpress(server) {
    const pp = makePassport();
    server.requestMiddleware(fromExpress([sessionOptions(), pp.initialize(), pp.session()]));
    server.requestMiddleware('/login', fromExpress([express.urlencoded({ extended: false }), pp.authenticate('local')]));
    server.post('/login', (ctx) => ctx.json({ loggedIn: (ctx.state as any).user }));
    // A migrated handler reads the user passport deserialised from the session.
    server.get('/me', (ctx) => ctx.json({ user: (ctx.state as any).user ?? null }));
  },
  mountExpress(app) {
    const pp = makePassport();
    app.use(sessionOptions(), pp.initialize(), pp.session());
    app.post('/login', express.urlencoded({ extended: false }), pp.authenticate('local'), (req, res) => res.json({ loggedIn: req.user }));
    app.get('/me', (req, res) => res.json({ user: req.user ?? null }));
  },
}, (target) => {
  it('rejects bad credentials with 401', async () => {
    const res = await request(target().port, 'POST', '/login', { 'content-type': 'application/x-www-form-urlencoded' }, 'username=ada&password=wrong');
    expect(res.status).toBe(401);
    expect(res.headers[RESPONSE_HOOK]).toBe('yes');
  });
  it('logs in, and the session cookie brings the user back on the next request', async () => {
    const login = await request(target().port, 'POST', '/login', { 'content-type': 'application/x-www-form-urlencoded' }, 'username=ada&password=lovelace');
    expect(login.status).toBe(200);
    expect(JSON.parse(login.body.toString())).toEqual({ loggedIn: { id: 1, name: 'ada' } });
    const cookie = cookieOf(login);
    const me = await request(target().port, 'GET', '/me', { cookie });
    expect(JSON.parse(me.body.toString())).toEqual({ user: { id: 1, name: 'ada' } });
    const anonymous = await request(target().port, 'GET', '/me');
    expect(JSON.parse(anonymous.body.toString())).toEqual({ user: null });
  });
});
