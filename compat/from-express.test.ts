import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import cookieParser from 'cookie-parser';
import multer from 'multer';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server } from 'expressway/runtime';
import { fromExpress } from 'expressway/compat';
import { serve, type Served } from './__testfixtures__/serve.js';

const dir = mkdtempSync(join(tmpdir(), 'exw-compat-'));
writeFileSync(join(dir, 'hello.txt'), 'hello from disk\n');

describe('fromExpress', () => {
  let served: Served;
  const panics: unknown[] = [];
  const logged: string[] = [];
  const late: Array<() => void> = [];
  let hungRes: import('node:http').ServerResponse | undefined;
  const userApp = express();
  userApp.set('json spaces', 4);
  userApp.set('greeting', 'hi from app settings');

  beforeAll(async () => {
    const server = new Server({ logErrors: false });
    server.responseMiddleware((ctx) => ctx.setHeader('x-response-mw', 'ran'));
    server.panicHook((ctx, err) => {
      panics.push(err);
      ctx.status = (err as { status?: number }).status ?? 500;
      ctx.json({ panic: (err as Error).message });
    });
    server.requestMiddleware('/continue', fromExpress((req: any, _res: any, next: any) => {
      req.user = { name: 'ada' };
      next();
    }));
    server.get('/continue', (ctx) => ctx.json({ user: (ctx.state as any).user }));
    server.requestMiddleware('/responds', fromExpress((req: any, res: any) => {
      res.set('x-from-express', 'yes');
      res.status(201).json({ query: req.query, accept: req.get('accept') });
    }));
    server.get('/responds', (ctx) => ctx.text('route must not run'));
    server.requestMiddleware('/settings', fromExpress((req: any, res: any) => {
      res.json({ greeting: req.app.get('greeting') });
    }, { app: userApp }));
    server.get('/settings', (ctx) => ctx.text('no'));
    server.requestMiddleware('/error', fromExpress((_req: any, _res: any, next: any) => next(Object.assign(new Error('teapot'), { status: 418 }))));
    server.get('/error', (ctx) => ctx.text('no'));
    server.requestMiddleware('/throws', fromExpress(() => {
      throw new Error('thrown in express code');
    }));
    server.get('/throws', (ctx) => ctx.text('no'));
    server.requestMiddleware('/rejects', fromExpress(async () => {
      throw new Error('rejected in express code');
    }));
    server.get('/rejects', (ctx) => ctx.text('no'));
    server.requestMiddleware('/hangs', fromExpress(function neverAnswers(_req: any, res: any, next: any) {
      hungRes = res;
      late.push(() => next(), () => res.end('too late'));
    }, { timeout: 100, logger: (m) => logged.push(m) }));
    server.get('/hangs', (ctx) => ctx.text('no'));
    server.requestMiddleware('/twice', fromExpress((_req: any, _res: any, next: any) => {
      next();
      next();
    }));
    server.get('/twice', (ctx) => ctx.text('once'));
    server.requestMiddleware('/stream', fromExpress((_req: any, res: any) => {
      res.status(200).type('text/plain');
      res.write('one,');
      setTimeout(() => {
        res.write('two,');
        res.end('three');
      }, 10);
    }));
    server.get('/stream', (ctx) => ctx.text('no'));
    server.requestMiddleware('/file', fromExpress((_req: any, res: any) => res.sendFile(join(dir, 'hello.txt'))));
    server.get('/file', (ctx) => ctx.text('no'));
    server.requestMiddleware('/mounted', fromExpress((req: any, res: any) => res.json({ url: req.url, baseUrl: req.baseUrl, originalUrl: req.originalUrl }), { path: '/mounted' }));
    server.get('/mounted/{rest:.+}', (ctx) => ctx.text('no'));
    server.requestMiddleware('/locals', (ctx) => {
      (ctx.state as any).fromRuntime = 'set by runtime';
      (ctx.state as any).user = { name: 'grace' };
    });
    server.requestMiddleware('/locals', fromExpress((req: any, res: any, next: any) => {
      res.locals.fromExpress = `${res.locals.fromRuntime} / seen by express as ${req.user.name}`;
      next();
    }));
    server.get('/locals', (ctx) => ctx.json(ctx.state));
    server.requestMiddleware('/array', fromExpress([(req: any, _res: any, next: any) => { req.user = 'a'; next(); }, (req: any, res: any) => res.send(`array ${req.user}`)]));
    server.get('/array', (ctx) => ctx.text('no'));
    served = await serve(server);
  });
  afterAll(() => served.close());

  it('next() continues the pipeline and req.user becomes ctx.state.user', async () => {
    const res = await fetch(`${served.url}/continue`);
    expect(await res.json()).toEqual({ user: { name: 'ada' } });
    expect(res.headers.get('x-response-mw')).toBe('ran');
  });

  it('a middleware that responds aborts the pipeline; Express req/res behaviour and response middleware apply', async () => {
    const res = await fetch(`${served.url}/responds?a=1&b[c]=2`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-from-express')).toBe('yes');
    expect(res.headers.get('x-response-mw')).toBe('ran');
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ query: { a: '1', b: { c: '2' } }, accept: 'application/json' });
  });

  it('req.app is the app passed in options, with its settings', async () => {
    const res = await fetch(`${served.url}/settings`);
    expect(await res.text()).toBe('{\n    "greeting": "hi from app settings"\n}');
  });

  it('next(err), a throw and a rejection reach the panic hooks', async () => {
    const a = await fetch(`${served.url}/error`);
    expect(a.status).toBe(418);
    expect(await a.json()).toEqual({ panic: 'teapot' });
    const b = await fetch(`${served.url}/throws`);
    expect(b.status).toBe(500);
    expect(await b.json()).toEqual({ panic: 'thrown in express code' });
    const c = await fetch(`${served.url}/rejects`);
    expect(await c.json()).toEqual({ panic: 'rejected in express code' });
    expect(c.headers.get('x-response-mw')).toBe('ran');
  });

  it('hung middleware: a middleware that never calls next nor responds gets a 503 after the timeout, logged, with no leaked request', async () => {
    const res = await fetch(`${served.url}/hangs`);
    expect(res.status).toBe(503);
    expect((await res.json()).panic).toMatch(/neverAnswers.*100 ms/);
    expect(logged.some((m) => m.includes('neverAnswers') && m.includes('503'))).toBe(true);
    expect(hungRes!.writableFinished).toBe(true);
    // What the middleware does later is ignored: no second response, no crash, the server still answers.
    for (const fn of late) fn();
    const again = await fetch(`${served.url}/continue`);
    expect(again.status).toBe(200);
  });

  it('next twice: a second next() is ignored with a coded warning', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const res = await fetch(`${served.url}/twice`);
      expect(await res.text()).toBe('once');
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((w) => (w as Error & { code?: string }).code)).toContain('EXW_WARN_COMPAT_NEXT_TWICE');
  });

  it('response hooks still apply when Express streams the response', async () => {
    const res = await fetch(`${served.url}/stream`);
    expect(res.headers.get('x-response-mw')).toBe('ran');
    expect(await res.text()).toBe('one,two,three');
  });

  it('response hooks still apply to res.sendFile', async () => {
    const res = await fetch(`${served.url}/file`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-response-mw')).toBe('ran');
    expect(res.headers.get('etag')).toBeTruthy();
    expect(await res.text()).toBe('hello from disk\n');
  });

  it('a path option mounts the middleware like app.use(path, mw)', async () => {
    const res = await fetch(`${served.url}/mounted/deep/x?q=1`);
    expect(await res.json()).toEqual({ url: '/deep/x?q=1', baseUrl: '/mounted', originalUrl: '/mounted/deep/x?q=1' });
  });

  it('res.locals is ctx.state, and ctx.state.user is req.user, both ways', async () => {
    const res = await fetch(`${served.url}/locals`);
    expect(await res.json()).toEqual({ fromRuntime: 'set by runtime', user: { name: 'grace' }, fromExpress: 'set by runtime / seen by express as grace' });
  });

  it('an array of middleware runs in order, like app.use(a, b)', async () => {
    const res = await fetch(`${served.url}/array`);
    expect(await res.text()).toBe('array a');
  });

  it('rejects what is not request middleware', () => {
    expect(() => fromExpress('nope' as any)).toThrow(expect.objectContaining({ code: 'EXW_ERR_COMPAT_NOT_MIDDLEWARE' }));
    expect(() => fromExpress((_e: any, _a: any, _b: any, _c: any) => {})).toThrow(expect.objectContaining({ code: 'EXW_ERR_COMPAT_NOT_MIDDLEWARE' }));
    expect(() => fromExpress(() => {}, { timeout: -1 })).toThrow(expect.objectContaining({ code: 'EXW_ERR_COMPAT_INVALID_OPTION' }));
  });
});

describe('fromExpress bridges of one request with different state keys', () => {
  let served: Served;
  beforeAll(async () => {
    const server = new Server({ logErrors: false });
    // The first bridge of the request links only the default keys (user, session) ...
    server.requestMiddleware(fromExpress(cookieParser()));
    // ... a later one, for multer, also carries req.file into ctx.state (as the codemod writes it).
    server.requestMiddleware('/upload', fromExpress(multer({ storage: multer.memoryStorage() }).single('doc'), { stateKeys: ['user', 'session', 'file'] }));
    server.post('/upload', (ctx) => {
      const file = (ctx.state as any).file;
      ctx.json({ name: file?.originalname ?? null, size: file?.size ?? null });
    });
    served = await serve(server);
  });
  afterAll(() => served.close());

  it('links the keys a later bridge adds, keeping what Express code already set', async () => {
    const form = new FormData();
    form.append('doc', new Blob(['twelve bytes']), 'notes.txt');
    const res = await fetch(`${served.url}/upload`, { method: 'POST', body: form });
    expect(await res.json()).toEqual({ name: 'notes.txt', size: 12 });
  });
});
