/**
 * fixedHeaders side by side with the real helmet: on real Express, through
 * fromExpress, and replayed by fixedHeaders, comparing the raw header lines
 * (names as spelled, values, order), every one but Date.
 */
import { afterAll, describe, expect, it } from 'vitest';
import express from 'express';
import helmet from 'helmet';
import type { AddressInfo } from 'node:net';
import { Server, type Handler } from 'expressway/runtime';
import { fixedHeaders, fromExpress, mountExpress } from 'expressway/compat';
import { serve } from './__testfixtures__/serve.js';
import { headerLines, rawRequest } from './__testfixtures__/raw-answer.js';

type Answer = { status: number; lines: string[]; body: string };

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
});

/** Status, raw header lines but Date (as sent, in order) and body. */
async function get(base: string, path: string): Promise<Answer> {
  const answer = await rawRequest(base + path);
  return { status: answer.status, lines: headerLines(answer), body: answer.body };
}

function addRoutes(app: express.Express): express.Express {
  app.get('/page', (_req, res) => { res.json({ page: true }); });
  app.get('/text', (_req, res) => { res.type('html').send('<p>hi</p>'); });
  return app;
}

function legacyRoutes(poweredBy: boolean): express.Express {
  const app = express();
  if (!poweredBy) app.disable('x-powered-by');
  return addRoutes(app);
}

/** The original: Express with helmet first. */
async function expressApp(mw: express.RequestHandler): Promise<string> {
  const app = express();
  app.use(mw);
  addRoutes(app);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  closers.push(() => new Promise((resolve) => { server.close(() => resolve()); }));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The migrated shape: helmet's counterpart, a native route, the legacy app mounted last. */
async function runtimeApp(handler: Handler<any>, legacyPoweredBy = false): Promise<string> {
  const server = new Server({ logErrors: false });
  server.requestMiddleware(handler);
  server.get('/native', (ctx) => ctx.json({ native: true }));
  server.requestMiddleware(mountExpress(legacyRoutes(legacyPoweredBy)));
  const served = await serve(server);
  closers.push(served.close);
  return served.url;
}

const OPTION_SETS: Array<[string, Parameters<typeof helmet>[0]]> = [
  ['default options', undefined],
  ['CSP directives', { contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'", 'cdn.example.com'], imgSrc: ['*', 'data:'], upgradeInsecureRequests: null } } }],
  ['CSP report-only without defaults', { contentSecurityPolicy: { useDefaults: false, reportOnly: true, directives: { defaultSrc: ["'none'"], reportUri: '/csp' } } }],
  ['hsts off, frameguard deny', { hsts: false, frameguard: { action: 'deny' } }],
  ['new option names, COEP on, referrer list', { strictTransportSecurity: { maxAge: 300, preload: true }, xFrameOptions: { action: 'sameorigin' }, crossOriginEmbedderPolicy: true, referrerPolicy: { policy: ['no-referrer', 'strict-origin-when-cross-origin'] }, contentSecurityPolicy: false }],
  ['x-powered-by kept', { xPoweredBy: false }],
];

describe('fixedHeaders(helmet(...)) answers as helmet on Express', () => {
  for (const [title, options] of OPTION_SETS) {
    it(title, async () => {
      const logged: string[] = [];
      const keepsPoweredBy = options?.xPoweredBy === false;
      const original = await expressApp(helmet(options));
      const replayed = await runtimeApp(fixedHeaders(helmet(options), { logger: (m) => logged.push(m) }), keepsPoweredBy);
      const bridged = await runtimeApp(fromExpress(helmet(options)), keepsPoweredBy);
      expect(logged).toEqual([]);
      for (const path of ['/page', '/text', '/missing']) {
        const want = await get(original, path);
        expect(want.lines.some((l) => l.startsWith('X-Content-Type-Options: nosniff'))).toBe(true);
        const got = await get(replayed, path);
        if (!keepsPoweredBy) expect(got).toEqual(want);
        else {
          // Express set X-Powered-By before helmet ran; the legacy app sets it after: same lines, that one elsewhere.
          expect({ ...got, lines: [...got.lines].sort() }).toEqual({ ...want, lines: [...want.lines].sort() });
          expect(got.lines).toContain('X-Powered-By: Express');
        }
      }
      // Native answers: exactly what fromExpress(helmet()) gave before.
      expect(await get(replayed, '/native')).toEqual(await get(bridged, '/native'));
    });
  }

  it('a legacy app that keeps x-powered-by on sends it where helmet on Express removed it', async () => {
    const original = await get(await expressApp(helmet()), '/page');
    const onLegacy = await get(await runtimeApp(fixedHeaders(helmet()), true), '/page');
    expect(original.lines.some((l) => /^x-powered-by/i.test(l))).toBe(false);
    expect(onLegacy.lines).toContain('X-Powered-By: Express');
  });

  it('removals replay too: X-Powered-By set on the response before helmet is gone, as through fromExpress', async () => {
    const withEarlierHeader = async (handler: Handler<any>) => {
      const server = new Server({ logErrors: false });
      server.requestMiddleware(fromExpress((_req: unknown, res: import('node:http').ServerResponse, next: () => void) => { res.setHeader('X-Powered-By', 'Express'); next(); }));
      server.requestMiddleware(handler);
      server.get('/native', (ctx) => ctx.text('n'));
      const served = await serve(server);
      closers.push(served.close);
      return served.url;
    };
    const replayed = await get(await withEarlierHeader(fixedHeaders(helmet())), '/native');
    expect(replayed).toEqual(await get(await withEarlierHeader(fromExpress(helmet())), '/native'));
    expect(replayed.lines.some((l) => /^x-powered-by/i.test(l))).toBe(false);
    const kept = await get(await withEarlierHeader(fixedHeaders(helmet({ xPoweredBy: false }))), '/native');
    expect(kept.lines).toContain('X-Powered-By: Express');
  });

  it('path-scoped: only requests under the mount path get the headers, as through fromExpress', async () => {
    const scoped = (handler: Handler<any>) => {
      const server = new Server({ logErrors: false });
      server.requestMiddleware('/admin', handler);
      server.get('/admin/x', (ctx) => ctx.text('a'));
      server.get('/other', (ctx) => ctx.text('o'));
      return serve(server);
    };
    const replayed = await scoped(fixedHeaders(helmet(), { path: '/admin' }));
    const bridged = await scoped(fromExpress(helmet(), { path: '/admin' }));
    closers.push(replayed.close, bridged.close);
    for (const path of ['/admin/x', '/ADMIN/x', '/other', '/admin/../other']) {
      expect(await get(replayed.url, path)).toEqual(await get(bridged.url, path));
    }
    expect((await get(replayed.url, '/admin/x')).lines.some((l) => l.startsWith('Content-Security-Policy:'))).toBe(true);
    expect((await get(replayed.url, '/other')).lines.some((l) => l.startsWith('Content-Security-Policy:'))).toBe(false);
  });
});

describe('fixedHeaders falls back to fromExpress when the probe cannot prove the headers constant', () => {
  async function through(mw: express.RequestHandler): Promise<{ url: string; logged: string[] }> {
    const logged: string[] = [];
    const server = new Server({ logErrors: false });
    server.requestMiddleware(fixedHeaders(mw, { logger: (m) => logged.push(m) }));
    server.get('/{name}', (ctx) => ctx.json({ ok: true }));
    const served = await serve(server);
    closers.push(served.close);
    return { url: served.url, logged };
  }
  const header = async (url: string, path: string, name: string) => {
    const answer = await get(url, path);
    return answer.lines.find((l) => l.toLowerCase().startsWith(name + ':'));
  };

  it('a helmet CSP nonce function (reads res.locals): every answer gets its own nonce', async () => {
    let n = 0;
    const mw = helmet({ contentSecurityPolicy: { directives: { scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as any).locals.nonce}'`] } } });
    const { url, logged } = await (async () => {
      const logged: string[] = [];
      const server = new Server({ logErrors: false });
      server.requestMiddleware((ctx) => { (ctx.state as any).nonce = `n${++n}`; });
      server.requestMiddleware(fixedHeaders(mw, { logger: (m) => logged.push(m) }));
      server.get('/a', (ctx) => ctx.text('a'));
      const served = await serve(server);
      closers.push(served.close);
      return { url: served.url, logged };
    })();
    expect(logged.join('\n')).toMatch(/runs through fromExpress: it used res\.locals/);
    expect(await header(url, '/a', 'content-security-policy')).toContain("'nonce-n1'");
    expect(await header(url, '/a', 'content-security-policy')).toContain("'nonce-n2'");
  });

  it('a middleware reading req: the header follows the request', async () => {
    const { url, logged } = await through((req, res, next) => { res.setHeader('x-path', req.path); next(); });
    expect(logged.join('\n')).toMatch(/it used req\.path/);
    expect(await header(url, '/one', 'x-path')).toBe('x-path: /one');
    expect(await header(url, '/two', 'x-path')).toBe('x-path: /two');
  });

  it('a stateful middleware (a counter): the two probe runs differ, so fromExpress runs it; the probes counted', async () => {
    let calls = 0;
    const { url, logged } = await through((_req, res, next) => { res.setHeader('x-count', String(++calls)); next(); });
    expect(logged.join('\n')).toMatch(/two probe runs set different headers/);
    // The probe ran it twice at creation: requests see 3 and 4, where fromExpress alone would give 1 and 2.
    expect(await header(url, '/a', 'x-count')).toBe('x-count: 3');
    expect(await header(url, '/a', 'x-count')).toBe('x-count: 4');
  });

  it('a middleware that sets a header only on its first call is caught by the second probe', async () => {
    let first = true;
    const { url, logged } = await through((_req, res, next) => { if (first) res.setHeader('x-first', '1'); first = false; next(); });
    expect(logged.join('\n')).toMatch(/two probe runs set different headers/);
    expect(await header(url, '/a', 'x-first')).toBeUndefined();
  });

  it.each<[string, express.RequestHandler, RegExp]>([
    ['next() later', (_req, res, next) => { res.setHeader('x-a', '1'); setImmediate(next); }, /did not call next\(\) before returning/],
    ['next(err)', (_req, _res, next) => { next(new Error('no')); }, /next\(\) with an argument/],
    ['a throw', () => { throw new Error('boom'); }, /it threw \(boom\)/],
    ['res.end', (_req, res) => { res.end('x'); }, /it used res\.end/],
    ['res.set (Express surface)', (_req, res, next) => { res.set('x-a', '1'); next(); }, /it used res\.set/],
    ['a header it did not set', (_req, res, next) => { if (!res.getHeader('x-a')) res.setHeader('x-a', '1'); next(); }, /res\.getHeader\("x-a"\), a header it did not set itself/],
    ['a promise', async (_req, _res, next) => { next(); }, /returned a promise/],
    ['next twice', (_req, _res, next) => { next(); next(); }, /more than once/],
  ])('%s', async (_title, mw, reason) => {
    const { url, logged } = await through(mw);
    expect(logged.join('\n')).toMatch(reason);
    // Still answered as fromExpress answers it.
    expect((await get(url, '/a')).status).toBeGreaterThan(0);
  });

  it('reading back its own header is fine; the value it reads is the one it set', async () => {
    const { url, logged } = await through((_req, res, next) => { res.setHeader('x-a', '1'); res.setHeader('x-b', `${res.getHeader('x-a')}2`); next(); });
    expect(logged).toEqual([]);
    expect(await header(url, '/a', 'x-b')).toBe('x-b: 12');
  });

  it('a middleware that keeps res and uses it after returning: fromExpress from then on', async () => {
    let probes = 0;
    const later: Array<() => void> = [];
    const { url, logged } = await through((_req, res, next) => {
      probes++;
      res.setHeader('x-a', '1');
      later.push(() => { try { res.setHeader('x-late', String(probes)); } catch { /* headers already sent */ } });
      next();
    });
    expect(logged).toEqual([]);
    expect(await header(url, '/a', 'x-a')).toBe('x-a: 1');
    later.splice(0).forEach((f) => f());
    expect(logged.join('\n')).toMatch(/it used res\.setHeader after returning, from now on/);
    await get(url, '/a');
    expect(probes).toBe(3); // the third run is fromExpress's
  });

  it('checks its arguments as fromExpress does', () => {
    expect(() => fixedHeaders('nope' as any)).toThrow(expect.objectContaining({ code: 'EXW_ERR_COMPAT_NOT_MIDDLEWARE' }));
    expect(() => fixedHeaders(helmet(), { path: 'admin' })).toThrow(expect.objectContaining({ code: 'EXW_ERR_COMPAT_INVALID_OPTION' }));
  });

  it('a mount path with parameters keeps fromExpress', () => {
    const logged: string[] = [];
    fixedHeaders(helmet(), { path: '/:tenant', logger: (m) => logged.push(m) });
    expect(logged.join('\n')).toMatch(/mount path \/:tenant has parameters/);
  });
});
