/**
 * corsPolicy side by side with the real cors: on real Express, through
 * fromExpress, and as corsPolicy, comparing status, the raw header lines
 * (names as spelled, values, order), every one but Date, and the body.
 */
import { afterAll, describe, expect, it } from 'vitest';
import express from 'express';
import cors from 'cors';
import type { AddressInfo } from 'node:net';
import { Server, type Handler } from 'expressway/runtime';
import { corsPolicy, fromExpress, mountExpress } from 'expressway/compat';
import { serve } from './__testfixtures__/serve.js';
import { headerLines, rawRequest } from './__testfixtures__/raw-answer.js';

type Answer = { status: number; lines: string[]; body: string };
type Mw = (req: any, res: any, next: (err?: unknown) => void) => void;

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
});

/** Status, raw header lines but Date (as sent, in order) and body. */
async function request(base: string, method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const answer = await rawRequest(base + path, { method, headers });
  return { status: answer.status, lines: headerLines(answer), body: answer.body };
}

function addRoutes(app: express.Express): express.Express {
  app.get('/page', (_req, res) => { res.json({ page: true }); });
  app.post('/page', (_req, res) => { res.status(201).send('made'); });
  return app;
}

function errorHandler(err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction): void {
  res.status(500).json({ error: err.message });
}

async function listenExpress(app: express.Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  closers.push(() => new Promise((resolve) => { server.close(() => resolve()); }));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The original: Express with an optional earlier middleware, cors, the routes. */
async function expressApp(mw: Mw, earlier?: Mw, path?: string): Promise<string> {
  const app = express();
  // The legacy app answering in the migrated shape has it off too (X-Powered-By would come first here, last there).
  app.disable('x-powered-by');
  if (earlier) app.use(earlier);
  if (path) app.use(path, mw);
  else app.use(mw);
  addRoutes(app);
  if (path) app.use(path, addRoutes(express.Router() as any));
  app.use(errorHandler);
  return listenExpress(app);
}

/** The migrated shape: cors's counterpart (or fromExpress), a native route, the legacy routes mounted last. */
async function runtimeApp(handler: Handler<any>, earlier?: Mw, path?: string): Promise<string> {
  const server = new Server({ logErrors: false });
  if (earlier) server.requestMiddleware(fromExpress(earlier));
  if (path) server.requestMiddleware(path, handler);
  else server.requestMiddleware(handler);
  server.get(`${path ?? ''}/native`, (ctx) => ctx.json({ native: true, surface: typeof (ctx.req as { get?: unknown }).get === 'function' ? 'express' : 'runtime' }));
  server.panicHook((ctx, error) => { ctx.json({ error: (error as Error).message }, 500); });
  const legacy = addRoutes(express());
  legacy.disable('x-powered-by');
  if (path) legacy.use(path, addRoutes(express.Router() as any));
  server.requestMiddleware(mountExpress(legacy));
  const served = await serve(server);
  closers.push(served.close);
  return served.url;
}

const A = 'https://a.example';
const B = 'https://shop.b.example';
const EVIL = 'https://evil.test';

/** [method, path, request headers]: no Origin, allowed and denied origins, preflights with and without requested headers. */
function requests(prefix = ''): Array<[string, string, Record<string, string>]> {
  return [
    ['GET', `${prefix}/page`, {}],
    ['GET', `${prefix}/page`, { origin: A }],
    ['GET', `${prefix}/page`, { origin: B }],
    ['GET', `${prefix}/page`, { origin: EVIL }],
    ['POST', `${prefix}/page`, { origin: A }],
    ['GET', `${prefix}/missing`, { origin: A }],
    ['HEAD', `${prefix}/page`, { origin: A }],
    ['OPTIONS', `${prefix}/page`, { origin: A, 'access-control-request-method': 'POST' }],
    ['OPTIONS', `${prefix}/page`, { origin: EVIL, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-token, content-type' }],
    ['OPTIONS', `${prefix}/page`, {}],
  ];
}

const syncOrigin = (origin: string | undefined, cb: (err: unknown, allow?: unknown) => void) => cb(null, origin === A);
const asyncOrigin = (origin: string | undefined, cb: (err: unknown, allow?: unknown) => void) => {
  setTimeout(() => cb(null, origin ? [origin === EVIL ? 'https://other.example' : origin] : false), 2);
};

const OPTION_SETS: Array<[string, () => cors.CorsOptions | undefined]> = [
  ['no options (any origin)', () => undefined],
  ['a fixed origin string', () => ({ origin: A })],
  ['origin true with credentials (reflects the request origin)', () => ({ origin: true, credentials: true })],
  ['a RegExp origin and exposed headers as an array', () => ({ origin: /\.b\.example$/, exposedHeaders: ['X-Total', 'X-Page'] })],
  ['an array of a string and a RegExp, credentials, maxAge (the fixture shape)', () => ({ origin: [A, /b\.example$/], credentials: true, maxAge: 600 })],
  ['origin false (cors does nothing)', () => ({ origin: false })],
  ['a synchronous origin function', () => ({ origin: syncOrigin as any, credentials: true })],
  ['an origin function answering later with an array', () => ({ origin: asyncOrigin as any, exposedHeaders: 'X-Total' })],
  ['any origin, methods array, allowedHeaders string, exposed string, maxAge 0', () => ({ origin: '*', methods: ['GET', 'POST'], allowedHeaders: 'X-A,X-B', exposedHeaders: 'X-Total', maxAge: 0 })],
  ['preflightContinue with optionsSuccessStatus 200 and headers array', () => ({ preflightContinue: true, optionsSuccessStatus: 200, headers: ['X-C'] })],
  ['optionsSuccessStatus 200, credentials false, empty exposed list', () => ({ origin: A, optionsSuccessStatus: 200, credentials: false, exposedHeaders: [] })],
  ['a global RegExp (its lastIndex moves between requests, as in cors)', () => ({ origin: /example/g })],
  ['a String object origin and a string maxAge', () => ({ origin: new String(A) as any, maxAge: '30' as any })],
];

/** An Express middleware before cors that already set Vary. */
const varyFirst: Mw = (_req, res, next) => { res.setHeader('Vary', 'Accept-Encoding'); next(); };
const varyStar: Mw = (_req, res, next) => { res.setHeader('Vary', '*'); next(); };
const varyOrigin: Mw = (_req, res, next) => { res.setHeader('vary', ['origin', 'Cookie']); next(); };

async function expectSameAnswers(options: () => cors.CorsOptions | undefined, earlier?: Mw, path?: string): Promise<void> {
  const logged: string[] = [];
  const original = await expressApp(cors(options()), earlier, path);
  const counterpart = await runtimeApp(corsPolicy(cors, options(), { logger: (m) => logged.push(m), ...(path ? { path } : {}) }), earlier, path);
  const bridged = await runtimeApp(fromExpress(cors(options()), path ? { path } : {}), earlier, path);
  expect(logged).toEqual([]);
  for (const [method, target, headers] of requests(path)) {
    const want = await request(original, method, target, headers);
    const got = await request(counterpart, method, target, headers);
    expect({ method, target, headers, ...got }).toEqual({ method, target, headers, ...want });
  }
  // Native answers: what fromExpress(cors(...)) gave before, without the Express surface on the request.
  for (const origin of [A, B, EVIL]) {
    const want = await request(bridged, 'GET', `${path ?? ''}/native`, { origin });
    const got = await request(counterpart, 'GET', `${path ?? ''}/native`, { origin });
    expect(JSON.parse(want.body).surface).toBe('express');
    // Same length either way ('express' / 'runtime'): Content-Length compares too.
    expect(got.lines).toEqual(want.lines);
    // An earlier fromExpress middleware gives the request the Express surface anyway.
    expect([got.status, JSON.parse(got.body)]).toEqual([want.status, { native: true, surface: earlier ? 'express' : 'runtime' }]);
  }
}

describe('corsPolicy(cors, options) answers as cors on Express', () => {
  for (const [title, options] of OPTION_SETS) {
    it(title, async () => {
      await expectSameAnswers(options);
    });
  }

  it('merges with a Vary an earlier middleware set, as the vary module does', async () => {
    await expectSameAnswers(() => ({ origin: [A, B], allowedHeaders: undefined }), varyFirst);
    await expectSameAnswers(() => ({ origin: true }), varyStar);
    await expectSameAnswers(() => ({ origin: A }), varyOrigin);
  });

  it('under a mount path, as app.use(path, cors(...))', async () => {
    await expectSameAnswers(() => ({ origin: [A], credentials: true }), undefined, '/api');
  });

  it('sees changes to the options object after it was created, as cors reads it on every request', async () => {
    const shared: cors.CorsOptions = { origin: [A] };
    const logged: string[] = [];
    const original = await expressApp(cors(shared));
    const counterpart = await runtimeApp(corsPolicy(cors, shared, { logger: (m) => logged.push(m) }));
    (shared.origin as string[]).push(EVIL);
    shared.credentials = true;
    const want = await request(original, 'GET', '/page', { origin: EVIL });
    expect(want.lines).toContain(`Access-Control-Allow-Origin: ${EVIL}`);
    expect(await request(counterpart, 'GET', '/page', { origin: EVIL })).toEqual(want);
    expect(logged).toEqual([]);
  });
});

describe('errors from an origin function go where fromExpress sends next(err)', () => {
  const failing: Array<[string, cors.CorsOptions['origin']]> = [
    ['called back with an error', ((origin: string | undefined, cb: (err: unknown) => void) => cb(new Error(`origin ${origin} refused`))) as any],
    ['called back later with an error', ((origin: string | undefined, cb: (err: unknown) => void) => setTimeout(() => cb(new Error(`origin ${origin} refused later`)), 2)) as any],
    ['throwing', ((origin: string | undefined) => { throw new Error(`origin ${origin} threw`); }) as any],
  ];
  for (const [title, origin] of failing) {
    it(title, async () => {
      const original = await expressApp(cors({ origin }));
      const counterpart = await runtimeApp(corsPolicy(cors, { origin }));
      const bridged = await runtimeApp(fromExpress(cors({ origin })));
      for (const path of ['/page', '/native']) {
        const got = await request(counterpart, 'GET', path, { origin: A });
        expect(got).toEqual(await request(bridged, 'GET', path, { origin: A }));
        expect(got.status).toBe(500);
        const want = await request(original, 'GET', '/page', { origin: A });
        expect([got.status, got.body]).toEqual([want.status, want.body]);
      }
    });
  }
});

describe('forms corsPolicy leaves to fromExpress', () => {
  it('options as a per-request function (it reads the Express request): logged, same answers', async () => {
    const delegate = (req: express.Request, cb: (err: unknown, o?: cors.CorsOptions) => void) => cb(null, { origin: req.get('x-allow') === 'yes' });
    const logged: string[] = [];
    const original = await expressApp(cors(delegate as any));
    const counterpart = await runtimeApp(corsPolicy(cors, delegate as any, { logger: (m) => logged.push(m) }));
    expect(logged.join('\n')).toMatch(/per-request function/);
    for (const headers of [{ origin: A, 'x-allow': 'yes' }, { origin: A }]) {
      expect(await request(counterpart, 'GET', '/page', headers)).toEqual(await request(original, 'GET', '/page', headers));
      expect(await request(counterpart, 'OPTIONS', '/page', headers)).toEqual(await request(original, 'OPTIONS', '/page', headers));
    }
  });

  it('a function that is not a loaded cors module: logged, runs it through fromExpress', async () => {
    const lookalike = (options?: cors.CorsOptions) => cors(options);
    const logged: string[] = [];
    const counterpart = await runtimeApp(corsPolicy(lookalike, { origin: A }, { logger: (m) => logged.push(m) }));
    expect(logged.join('\n')).toMatch(/not a loaded cors module/);
    const got = await request(counterpart, 'GET', '/native', { origin: A });
    expect(got.lines).toContain(`Access-Control-Allow-Origin: ${A}`);
    expect(JSON.parse(got.body).surface).toBe('express');
  });

  it('refuses something that is not a function', () => {
    expect(() => corsPolicy({} as any, {})).toThrow(expect.objectContaining({ code: 'EXW_ERR_COMPAT_INVALID_OPTION' }));
  });
});
