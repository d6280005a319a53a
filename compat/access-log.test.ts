/**
 * accessLog(morgan, ...) side by side with morgan on Express: the same
 * requests to an Express app with morgan and to a runtime server with
 * accessLog, and the same log lines. Only time measurements are
 * normalised (response and total time, dates); a '-' where morgan has no
 * time stays as it is.
 */
import { afterAll, describe, expect, it } from 'vitest';
import express from 'express';
import morgan from 'morgan';
import http from 'node:http';
import onHeaders from 'on-headers';
import { Router, Server } from 'expressway/runtime';
import { accessLog, fromExpress } from 'expressway/compat';
import { serve } from './__testfixtures__/serve.js';

type Sink = { lines: string[]; write(line: string): void };
type Req = { target: string; method?: string; headers?: Record<string, string>; abortAfter?: number };

function sink(): Sink {
  const lines: string[] = [];
  return { lines, write: (line: string) => void lines.push(line) };
}

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
});

/** The same small app in Express (with morgan) and in the runtime (with accessLog). */
async function pair(format: any, options: Record<string, unknown> = {}, trust?: string) {
  const seen = { express: sink(), runtime: sink() };

  const app = express();
  if (trust) app.set('trust proxy', trust);
  // morgan(options): the second argument is ignored, the stream goes inside.
  const args = (stream: Sink) => (typeof format === 'object' ? [{ ...format, ...options, stream }] : [format, { ...options, stream }]) as [any, any];
  app.use(morgan(...args(seen.express)));
  app.use((_req, res, next) => {
    onHeaders(res, () => res.setHeader('x-after', 'set as the head goes out'));
    next();
  });
  app.use('/legacy', (_req, res) => {
    res.set('x-id', 'legacy');
    res.status(202).send('answered by Express code');
  });
  app.get('/hello', (_req, res) => {
    res.set('x-id', 'abc');
    res.send('hi');
  });
  app.post('/json', (_req, res) => {
    res.status(201).json({ created: true });
  });
  app.get('/throws', () => {
    throw new Error('boom');
  });
  app.get('/slow', (_req, res) => {
    setTimeout(() => res.json({ late: true }), 300);
  });
  const api = express.Router();
  api.get('/items/:id', (req, res) => {
    res.set('x-id', `item-${req.params.id}`);
    res.json({ id: req.params.id });
  });
  app.use('/api', api);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use((err: Error, _req: any, res: any, _next: any) => {
    res.status(500).json({ error: err.message });
  });
  const legacy = http.createServer(app);
  await new Promise<void>((resolve) => legacy.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => legacy.close(() => resolve())));

  const server = new Server({ logErrors: false, ...(trust ? { trustProxy: trust } : {}) });
  server.requestMiddleware(accessLog(morgan, ...args(seen.runtime)));
  server.responseMiddleware((ctx) => ctx.setHeader('x-after', 'set as the head goes out'));
  server.requestMiddleware('/legacy', fromExpress((_req: any, res: any) => {
    res.set('x-id', 'legacy');
    res.status(202).send('answered by Express code');
  }, { path: '/legacy' }));
  server.get('/hello', (ctx) => {
    ctx.setHeader('x-id', 'abc');
    ctx.html('hi');
  });
  server.post('/json', (ctx) => ctx.json({ created: true }, 201));
  server.get('/throws', () => {
    throw new Error('boom');
  });
  server.get('/slow', async (ctx) => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    ctx.json({ late: true });
  });
  const router = new Router();
  router.get('/items/{id}', (ctx) => {
    ctx.setHeader('x-id', `item-${ctx.params.id}`);
    ctx.json({ id: ctx.params.id });
  });
  server.mount('/api', router);
  server.notFound((ctx) => ctx.json({ error: 'not found' }, 404));
  server.panicHook((ctx, err) => ctx.json({ error: (err as Error).message }, 500));
  const native = await serve(server);
  closers.push(native.close);

  const port = { express: (legacy.address() as { port: number }).port, runtime: native.port };
  return {
    seen,
    /** Sends each request to both apps and answers both logs, normalised. */
    async run(requests: Req[], expected = requests.length): Promise<{ express: string[]; runtime: string[] }> {
      for (const side of ['express', 'runtime'] as const) {
        const before = seen[side].lines.length;
        for (const r of requests) await send(port[side], r);
        await until(() => seen[side].lines.length >= before + expected);
      }
      return { express: seen.express.lines.map(normalise), runtime: seen.runtime.lines.map(normalise) };
    },
  };
}

const REQUESTS: Req[] = [
  { target: '/hello', headers: { 'user-agent': 'probe/1.0', referer: 'http://example.test/from' } },
  { target: '/hello?q=a%20b&x=%22quoted%22' },
  { target: '/json', method: 'POST', headers: { authorization: 'Basic ' + Buffer.from('ada:secret').toString('base64') } },
  { target: '/api/items/7?full=1', headers: { 'x-request-id': 'r-1', 'user-agent': 'tab\there "q" back\\slash' } },
  { target: '/missing' },
  { target: '/throws' },
  { target: '/hello', method: 'HEAD' },
  { target: '/legacy/x?y=1' },
];

/** A raw request (the target byte for byte); `abortAfter` ms destroys the socket before the answer. */
function send(port: number, r: Req): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: r.method ?? 'GET', path: r.target, headers: r.headers, agent: false }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', (err) => (r.abortAfter !== undefined ? resolve() : reject(err)));
    if (r.abortAfter !== undefined) setTimeout(() => req.destroy(), r.abortAfter);
    req.end();
  });
}

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Time measurements only: response/total time, CLF, web and ISO dates. */
function normalise(line: string): string {
  return line
    .replace(/\d+\.\d+ ms/g, 'T ms')
    .replace(/(rt|tt)=\d+\.\d+/g, '$1=T')
    .replace(/\[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000\]/g, '[DATE]')
    .replace(/\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT/g, 'DATE')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, 'DATE');
}

describe('accessLog: the same lines as morgan on Express', () => {
  for (const format of ['combined', 'common', 'dev', 'short', 'tiny']) {
    it(`${format} format`, async () => {
      const { run } = await pair(format);
      const logs = await run(REQUESTS);
      expect(logs.runtime).toEqual(logs.express);
      expect(logs.runtime).toHaveLength(REQUESTS.length);
    });
  }

  it('a custom format string: request and response headers, remote user, status, url under a mounted path', async () => {
    const { run } = await pair(':method :url :status :req[x-request-id] :res[x-id] :res[x-after] :res[content-type] :res[content-length] :remote-user :remote-addr :http-version ":referrer" ":user-agent" rt=:response-time[1] tt=:total-time[2] :date[iso] :date[web] :pid');
    const logs = await run(REQUESTS);
    expect(logs.runtime).toEqual(logs.express);
    expect(logs.runtime[3]).toContain('GET /api/items/7?full=1 200 r-1 item-7 set as the head goes out ');
    expect(logs.runtime[7]).toContain('GET /legacy/x?y=1 202 - legacy set as the head goes out text/html; charset=utf-8 24 ');
    expect(logs.runtime[2]).toContain(' ada ');
  });

  it('a token the app defines with morgan.token, reading Express members (req.hostname, req.get, res.locals)', async () => {
    morgan.token('exw-host', (req: any) => req.hostname);
    morgan.token('exw-accept', (req: any) => req.get('accept'));
    morgan.token('exw-locals', (_req: any, res: any) => typeof res.locals);
    const { run } = await pair(':method :url :exw-host :exw-accept :exw-locals');
    const logs = await run([{ target: '/hello', headers: { accept: 'text/plain', host: 'shop.example.test:8080' } }, { target: '/json', method: 'POST' }]);
    expect(logs.runtime).toEqual(logs.express);
    expect(logs.runtime[0]).toBe('GET /hello shop.example.test text/plain object\n');
  });

  it('a format function reading Express members', async () => {
    const format = (tokens: any, req: any, res: any) => [tokens.method(req, res), req.path, req.protocol, res.get('x-id'), tokens.status(req, res)].join(' ');
    const { run } = await pair(format);
    const logs = await run(REQUESTS.filter((r) => !r.target.startsWith('/api/')));
    expect(logs.runtime).toEqual(logs.express);
    expect(logs.runtime[0]).toBe('GET /hello http abc 200\n');
  });

  it('a built-in token the app replaces after the logger was made (then reading Express members)', async () => {
    const { run } = await pair(':method :url :status');
    const original = (morgan as any).url;
    morgan.token('url', (req: any) => `${req.path}|${req.originalUrl}`);
    try {
      const logs = await run([{ target: '/hello?a=1' }, { target: '/json?b=2', method: 'POST' }]);
      expect(logs.runtime).toEqual(logs.express);
      expect(logs.runtime[0]).toBe('GET /hello|/hello?a=1 200\n');
    } finally {
      (morgan as any).url = original;
    }
  });

  it('known difference, as through fromExpress: under a mounted router req.path and req.url are the full path', async () => {
    // Express leaves req.url stripped of the mount path once a mounted router answered; the runtime does not strip it.
    const format = (tokens: any, req: any, res: any) => [tokens.url(req, res), req.path, req.baseUrl].join(' ');
    const lines = { bridged: sink(), native: sink() };
    const server = new Server();
    server.requestMiddleware('/a', fromExpress(morgan(format, { stream: lines.bridged })));
    server.requestMiddleware('/a', accessLog(morgan, format, { stream: lines.native }));
    const router = new Router();
    router.get('/b', (ctx) => ctx.text('b'));
    server.mount('/a', router);
    const running = await serve(server);
    closers.push(running.close);
    await send(running.port, { target: '/a/b?x=1' });
    await until(() => lines.bridged.lines.length > 0 && lines.native.lines.length > 0);
    expect(lines.native.lines).toEqual(lines.bridged.lines);
    expect(lines.native.lines[0]).toBe('/a/b?x=1 /a/b \n');
  });

  it('trust proxy: remote-addr is the X-Forwarded-For client, as req.ip under the same setting', async () => {
    const { run } = await pair(':remote-addr :method :url :status', {}, 'loopback');
    const logs = await run([
      { target: '/hello', headers: { 'x-forwarded-for': '203.0.113.9' } },
      { target: '/hello', headers: { 'x-forwarded-for': '198.51.100.4, 10.0.0.1' } },
      { target: '/hello' },
    ]);
    expect(logs.runtime).toEqual(logs.express);
    expect(logs.runtime[0]).toBe('203.0.113.9 GET /hello 200\n');
    expect(logs.runtime[1]).toBe('10.0.0.1 GET /hello 200\n');
  });

  it('without trust proxy X-Forwarded-For is ignored', async () => {
    const { run } = await pair(':remote-addr :url');
    const logs = await run([{ target: '/hello', headers: { 'x-forwarded-for': '203.0.113.9' } }]);
    expect(logs.runtime).toEqual(logs.express);
    expect(logs.runtime[0]).toBe('127.0.0.1 /hello\n');
  });

  it('immediate: the line is written when the request comes in (no status, no response time)', async () => {
    const { run } = await pair('tiny', { immediate: true });
    const logs = await run(REQUESTS);
    expect(logs.runtime).toEqual(logs.express);
    expect(logs.runtime[0]).toBe('GET /hello - - - - ms\n');
  });

  it('skip(req, res) decides per request, on the finished response', async () => {
    const { run } = await pair('common', { skip: (req: any, res: any) => res.statusCode < 400 || req.path === '/throws' });
    const logs = await run(REQUESTS, 1);
    expect(logs.runtime).toEqual(logs.express);
    expect(logs.runtime).toHaveLength(1);
    expect(logs.runtime[0]).toContain('"GET /missing HTTP/1.1" 404 ');
  });

  it('an aborted request (the client destroys the socket) is logged when the connection closes, without status or times', async () => {
    const { run } = await pair(':method :url :status :res[content-length] rt=:response-time tt=:total-time');
    const logs = await run([{ target: '/slow', abortAfter: 50 }, { target: '/hello' }]);
    expect(logs.runtime).toEqual(logs.express);
    expect(logs.runtime[0]).toBe('GET /slow - - rt=- tt=-\n');
  });

  it('buffer: lines are collected and written together', async () => {
    const { run, seen } = await pair('tiny', { buffer: 50 });
    const logs = await run([{ target: '/hello' }, { target: '/missing' }], 1);
    expect(logs.runtime).toEqual(logs.express);
    expect(seen.runtime.lines).toHaveLength(1);
    expect(logs.runtime[0]).toBe('GET /hello 200 2 - T ms\nGET /missing 404 21 - T ms\n');
  });

  it('a stream in object mode gets what a format function answers as an object', async () => {
    const objects: unknown[] = [];
    const stream = { writableObjectMode: true, write: (o: unknown) => void objects.push(o) };
    const server = new Server();
    server.requestMiddleware(accessLog(morgan, (tokens: any, req: any, res: any) => ({ status: tokens.status(req, res) }), { stream }));
    server.get('/x', (ctx) => ctx.text('x'));
    const running = await serve(server);
    closers.push(running.close);
    await fetch(`${running.url}/x`);
    await until(() => objects.length > 0);
    expect(objects).toEqual([{ status: '200' }]);
  });

  it('the deprecated morgan(options) form, the format inside the options', async () => {
    const { run } = await pair({ format: 'tiny' });
    const logs = await run([{ target: '/hello' }, { target: '/json', method: 'POST' }]);
    expect(logs.runtime).toEqual(logs.express);
    expect(logs.runtime[0]).toBe('GET /hello 200 2 - T ms\n');
  });

  it("with morgan's own formats the request keeps node's prototypes; a token of the app's gets Express's", async () => {
    morgan.token('exw-path', (req: any) => req.path);
    const seenReqs: Record<string, unknown> = {};
    const lines = sink();
    const server = new Server();
    server.requestMiddleware('/own', accessLog(morgan, 'combined', { stream: lines }));
    server.requestMiddleware('/app', accessLog(morgan, ':method :exw-path', { stream: lines }));
    server.get('/own', (ctx) => { seenReqs.own = ctx.req; ctx.text('own'); });
    server.get('/app', (ctx) => { seenReqs.app = ctx.req; ctx.text('app'); });
    const running = await serve(server);
    closers.push(running.close);
    await send(running.port, { target: '/own' });
    await send(running.port, { target: '/app' });
    await until(() => lines.lines.length === 2);
    expect(lines.lines[1]).toBe('GET /app\n');
    // Compared as booleans: printing an Express request runs its getters.
    expect(Object.getPrototypeOf(seenReqs.own) === http.IncomingMessage.prototype).toBe(true);
    expect(Object.getPrototypeOf(seenReqs.app) === http.IncomingMessage.prototype).toBe(false);
    expect(express.request.isPrototypeOf(seenReqs.app as object)).toBe(true);
  });

  it('rejects what is not the morgan module', () => {
    expect(() => accessLog((() => {}) as any, 'tiny')).toThrow(expect.objectContaining({ code: 'EXW_ERR_COMPAT_INVALID_OPTION' }));
  });
});
