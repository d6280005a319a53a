/**
 * serveStatic's fast path (static-fast.ts, static-cache.ts) against real
 * files on 127.0.0.1.
 *
 * 1. Side by side with `send` itself: the same request to a server where
 *    `send(req, path, opts).pipe(res)` answers, and to one where the fast
 *    path answers (falling back to send when it declines), must give the
 *    same status, headers and body; the test also asserts the fast path
 *    really answered, so it cannot pass by always declining.
 * 2. Changes on disk: a rewritten file (same size, mtime put back) and a
 *    replaced file are served new on the next request.
 * 3. Through the real Server with serveStatic, once the files are older
 *    than the cache's quiet period.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import send from 'send';
import type { FileHost } from './static-response.js';
import { StaticFastPath } from './static-fast.js';
import { FileCache, RACY_MS } from './static-cache.js';
import { toSendPath } from './static-path.js';
import { normalizePath, rawPathOf } from './normalize-path.js';
import { serveStatic } from './static.js';
import { Server } from './server.js';
import type { RunningServer } from './listen.js';

type HeaderValue = string | number | readonly string[];

/** The builder side of a Context: headers set before, commitHead writing them (as static.test.ts's host). */
class Host implements FileHost {
  status = 200;
  readonly headers = new Map<string, HeaderValue>();
  private committing: Promise<void> | undefined;
  constructor(readonly req: IncomingMessage, readonly res: ServerResponse) {}
  setHeader(name: string, value: HeaderValue): void {
    this.headers.set(name.toLowerCase(), value);
  }
  getHeader(name: string): HeaderValue | undefined {
    return this.headers.get(name.toLowerCase());
  }
  removeHeader(name: string): void {
    this.headers.delete(name.toLowerCase());
  }
  commitHead(): Promise<void> {
    this.committing ??= Promise.resolve().then(() => {
      this.res.writeHead(this.status, Object.fromEntries(this.headers) as OutgoingHttpHeaders);
    });
    return this.committing;
  }
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function request(port: number, path: string, method = 'GET', headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const { date: _date, connection: _connection, 'keep-alive': _keepAlive, 'transfer-encoding': _te, ...rest } = res.headers;
        resolve({ status: res.statusCode!, headers: rest, body: Buffer.concat(chunks).toString('latin1') });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function listen(handler: http.RequestListener): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

let dir: string;
let root: string;
/** A whole second, so utimes can put exactly this mtime back after a rewrite. */
const CSS_TIME = new Date('2024-02-03T04:05:06Z');
const BIG = Buffer.alloc(200 * 1024, 'abcdefghij');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'exw-static-fast-'));
  root = join(dir, 'public');
  mkdirSync(join(root, 'css'), { recursive: true });
  mkdirSync(join(root, 'sub'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<h1>home</h1>');
  writeFileSync(join(root, 'sub', 'index.html'), '<h1>sub</h1>');
  writeFileSync(join(root, 'css', 'site.css'), 'body { color: black }');
  writeFileSync(join(root, 'hello.txt'), 'hello, fast path\n');
  writeFileSync(join(root, 'blob.unknownext'), 'opaque');
  writeFileSync(join(root, '.env'), 'SECRET=1');
  writeFileSync(join(root, 'big.bin'), BIG);
  utimesSync(join(root, 'hello.txt'), new Date('2024-01-02T03:04:05Z'), new Date('2024-01-02T03:04:05Z'));
  utimesSync(join(root, 'css', 'site.css'), CSS_TIME, CSS_TIME);
  await sleep(30); // the copies below are made with a quiet period of 0 ms: let the writes' ctime pass
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const OPTIONS: send.SendOptions = { root: '', index: 'index.html', dotfiles: 'deny', maxAge: '1h' };

describe('fast path next to send', () => {
  let reference: Awaited<ReturnType<typeof listen>>;
  let fastServer: Awaited<ReturnType<typeof listen>>;
  const answeredBy: string[] = [];
  let fast: StaticFastPath;

  beforeAll(async () => {
    const options = { ...OPTIONS, root };
    reference = await listen((req, res) => {
      send(req, toSendPath(normalizePath(rawPathOf(req.url!)))!, options).pipe(res);
    });
    fast = new StaticFastPath(options, undefined, new FileCache({ racyMs: 0 }));
    fastServer = await listen((req, res) => {
      const sendPath = toSendPath(normalizePath(rawPathOf(req.url!)))!;
      const host = new Host(req, res);
      const outcome = fast.tryServe(host, sendPath);
      if (outcome === null) {
        answeredBy.push('send');
        send(req, sendPath, options).pipe(res);
        return;
      }
      answeredBy.push('fast');
      void Promise.resolve(outcome).then((o) => {
        // send answers a missing file with its 404 page; the fast path leaves that to the caller (fall-through).
        if (o.kind === 'missing') send(req, sendPath, options).pipe(res);
      });
    });
  });
  afterAll(async () => {
    await reference.close();
    await fastServer.close();
  });

  /** Asks both until the fast path answers (first sight: send; the copy is made in the background), then compares. */
  async function compare(path: string, method = 'GET', headers: Record<string, string> = {}): Promise<Answer> {
    let mine: Answer | undefined;
    for (let i = 0; i < 20 && mine === undefined; i++) {
      const answer = await request(fastServer.port, path, method, headers);
      if (answeredBy.at(-1) === 'fast') mine = answer;
      else await sleep(10);
    }
    expect(mine, `the fast path never answered ${method} ${path}`).toBeDefined();
    const theirs = await request(reference.port, path, method, headers);
    expect(mine).toEqual(theirs);
    return mine!;
  }

  it('answers files, index files and HEAD exactly as send', async () => {
    const hello = await compare('/hello.txt');
    expect(hello.status).toBe(200);
    expect(hello.body).toBe('hello, fast path\n');
    expect(hello.headers['cache-control']).toBe('public, max-age=3600');
    expect(hello.headers['last-modified']).toBe('Tue, 02 Jan 2024 03:04:05 GMT');
    expect((await compare('/')).body).toBe('<h1>home</h1>');
    expect((await compare('/sub/')).body).toBe('<h1>sub</h1>');
    expect((await compare('/css/site.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await compare('/blob.unknownext')).headers['content-type']).toBe('application/octet-stream');
    const head = await compare('/hello.txt', 'HEAD');
    expect(head.body).toBe('');
    expect(head.headers['content-length']).toBe('17');
  });

  it('answers 304 to If-None-Match and If-Modified-Since as send, and 200 when stale or no-cache', async () => {
    const etag = (await request(reference.port, '/hello.txt')).headers.etag as string;
    expect((await compare('/hello.txt', 'GET', { 'if-none-match': etag })).status).toBe(304);
    expect((await compare('/hello.txt', 'GET', { 'if-none-match': `"x", ${etag}` })).status).toBe(304);
    expect((await compare('/hello.txt', 'GET', { 'if-none-match': '"other"' })).status).toBe(200);
    expect((await compare('/hello.txt', 'GET', { 'if-modified-since': 'Wed, 03 Jan 2024 00:00:00 GMT' })).status).toBe(304);
    expect((await compare('/hello.txt', 'GET', { 'if-modified-since': 'Mon, 01 Jan 2024 00:00:00 GMT' })).status).toBe(200);
    expect((await compare('/hello.txt', 'GET', { 'if-none-match': etag, 'cache-control': 'no-cache' })).status).toBe(200);
    expect((await compare('/hello.txt', 'HEAD', { 'if-none-match': etag })).status).toBe(304);
  });

  it('falls through (missing) where send answers 404: no file, a file path with a trailing slash under an index', async () => {
    await request(fastServer.port, '/nope.css');
    const outcome = fast.tryServe(new Host({ headers: {}, method: 'GET' } as IncomingMessage, {} as ServerResponse), '/nope.css');
    expect(outcome).toEqual({ kind: 'missing', status: 404 });
    expect((await request(reference.port, '/nope.css')).status).toBe(404);
    await request(fastServer.port, '/css/site.css/nope');
    expect(fast.tryServe(new Host({ headers: {}, method: 'GET' } as IncomingMessage, {} as ServerResponse), '/css/site.css/nope')).toEqual({ kind: 'missing', status: 404 });
  });

  it('leaves Range, If-Match, If-Unmodified-Since, dotfiles, directories and large files to send', async () => {
    const cases: Array<[string, Record<string, string>]> = [
      ['/hello.txt', { range: 'bytes=0-4' }],
      ['/hello.txt', { 'if-match': '"nope"' }],
      ['/hello.txt', { 'if-unmodified-since': 'Mon, 01 Jan 2024 00:00:00 GMT' }],
      ['/.env', {}],
      ['/sub', {}],
      ['/big.bin', {}],
    ];
    for (const [path, headers] of cases) {
      for (let i = 0; i < 3; i++) {
        const mine = await request(fastServer.port, path, 'GET', headers);
        expect(answeredBy.at(-1), `${path} ${JSON.stringify(headers)}`).toBe('send');
        expect(mine).toEqual(await request(reference.port, path, 'GET', headers));
      }
    }
    const big = await request(fastServer.port, '/big.bin');
    expect(big.body.length).toBe(BIG.length);
  });

  it('leaves a FIFO to send and never reads it into memory', () => {
    execFileSync('mkfifo', [join(root, 'pipe.txt')]);
    const filled: string[] = [];
    class WatchedCache extends FileCache {
      override fill(path: string): void {
        filled.push(path); // never reads: a real read of a FIFO would wait for a writer
      }
    }
    const fifo = new StaticFastPath({ ...OPTIONS, root }, undefined, new WatchedCache({ racyMs: 0 }));
    const host = () => new Host({ headers: {}, method: 'GET' } as IncomingMessage, { headersSent: false } as ServerResponse);
    expect(fifo.tryServe(host(), '/pipe.txt')).toBeNull(); // first sight
    expect(fifo.tryServe(host(), '/pipe.txt')).toBeNull(); // hot, but not a regular file
    expect(filled).toEqual([]);
    rmSync(join(root, 'pipe.txt'));
  });

  it('serves the new content on the next request after a rewrite that keeps size and mtime', async () => {
    const file = join(root, 'css', 'site.css');
    expect((await compare('/css/site.css')).body).toBe('body { color: black }');
    const before = statSync(file);
    writeFileSync(file, 'body { color: white }');
    utimesSync(file, CSS_TIME, CSS_TIME);
    const after = statSync(file);
    expect([after.ino, after.size, after.mtimeMs]).toEqual([before.ino, before.size, before.mtimeMs]);
    const next = await request(fastServer.port, '/css/site.css');
    expect(next.body).toBe('body { color: white }');
    await sleep(30);
    expect((await compare('/css/site.css')).body).toBe('body { color: white }');
  });

  it('serves the new file after one is renamed over it', async () => {
    expect((await compare('/sub/')).body).toBe('<h1>sub</h1>');
    writeFileSync(join(dir, 'next.html'), '<h1>new</h1>');
    renameSync(join(dir, 'next.html'), join(root, 'sub', 'index.html'));
    expect((await request(fastServer.port, '/sub/')).body).toBe('<h1>new</h1>');
  });
});

describe('serveStatic through the real Server, with copies in memory', () => {
  let running: RunningServer;
  let base: string;
  let port: number;
  let site: string;

  beforeAll(async () => {
    site = join(dir, 'site');
    mkdirSync(site);
    writeFileSync(join(site, 'index.html'), '<h1>site</h1>');
    writeFileSync(join(site, 'app.js'), 'console.log(1)\n');
    await sleep(RACY_MS + 100); // the cache copies files only once they have been quiet this long
    const server = new Server();
    server.requestMiddleware(serveStatic(site, { maxAge: '1h' }));
    server.get('/api', (ctx) => ctx.json({ api: true }));
    server.responseMiddleware((ctx) => {
      ctx.setHeader('x-seen-status', String(ctx.status));
    });
    running = await server.listen({ port: 0, host: '127.0.0.1' });
    port = running.port;
    base = `http://127.0.0.1:${port}`;
  }, RACY_MS + 5000);
  afterAll(() => running.close({ timeout: 1_000 }));

  it('answers the same every time while the copy is used, through response middleware', async () => {
    const answers: Answer[] = [];
    for (let i = 0; i < 5; i++) {
      answers.push(await request(port, '/app.js'));
      await sleep(10);
    }
    for (const answer of answers) {
      expect(answer).toEqual(answers[0]);
      expect(answer.body).toBe('console.log(1)\n');
      expect(answer.headers['x-seen-status']).toBe('200');
      expect(answer.headers['content-type']).toBe('text/javascript; charset=utf-8');
    }
  });

  it('304, HEAD, Range and index.html', async () => {
    for (let i = 0; i < 3; i++) await request(port, '/');
    const etag = (await request(port, '/')).headers.etag as string;
    const notModified = await request(port, '/', 'GET', { 'if-none-match': etag });
    expect(notModified.status).toBe(304);
    expect(notModified.headers['x-seen-status']).toBe('304');
    expect(notModified.headers['content-type']).toBeUndefined();
    const head = await request(port, '/', 'HEAD');
    expect([head.status, head.body, head.headers['content-length']]).toEqual([200, '', '13']);
    const partial = await request(port, '/', 'GET', { range: 'bytes=4-7' });
    expect([partial.status, partial.body]).toEqual([206, 'site']);
  });

  it('falls through to routes and the 404 for what is not a file', async () => {
    for (let i = 0; i < 3; i++) expect(await (await fetch(`${base}/api`)).json()).toEqual({ api: true });
    expect((await fetch(`${base}/nope.js`)).status).toBe(404);
  });

  it('a changed file is served new on the next request', async () => {
    for (let i = 0; i < 3; i++) await request(port, '/app.js');
    writeFileSync(join(site, 'app.js'), 'console.log(2)\n');
    expect((await request(port, '/app.js')).body).toBe('console.log(2)\n');
    rmSync(join(site, 'app.js'));
    expect((await request(port, '/app.js')).status).toBe(404);
  });
});

describe.each([
  { name: 'immutable, a numeric maxAge', options: { immutable: true, maxAge: 86_400_000 } },
  { name: 'no ETag, no Last-Modified, no Cache-Control, no Accept-Ranges', options: { etag: false, lastModified: false, cacheControl: false, acceptRanges: false } },
  { name: 'an unparsable maxAge and a second index name', options: { maxAge: 'soon', index: ['missing.html', 'index.html'] } },
])('fast path next to send with $name', ({ options: extra }) => {
  let reference: Awaited<ReturnType<typeof listen>>;
  let fastServer: Awaited<ReturnType<typeof listen>>;
  let answered = 0;

  beforeAll(async () => {
    const options: send.SendOptions = { ...OPTIONS, ...extra, root };
    reference = await listen((req, res) => {
      send(req, toSendPath(normalizePath(rawPathOf(req.url!)))!, options).pipe(res);
    });
    const fast = new StaticFastPath(options, undefined, new FileCache({ racyMs: 0 }));
    fastServer = await listen((req, res) => {
      const sendPath = toSendPath(normalizePath(rawPathOf(req.url!)))!;
      const outcome = fast.tryServe(new Host(req, res), sendPath);
      if (outcome === null || (outcome as { kind?: string }).kind === 'missing') send(req, sendPath, options).pipe(res);
      else answered++;
    });
  });
  afterAll(async () => {
    await reference.close();
    await fastServer.close();
  });

  it('answers files, index files, 304 and 200 as send', async () => {
    for (const [path, headers] of [
      ['/hello.txt', {}],
      ['/', {}],
      ['/hello.txt', { 'if-modified-since': 'Wed, 03 Jan 2024 00:00:00 GMT' }],
      ['/hello.txt', { range: 'bytes=0-4' }],
    ] as Array<[string, Record<string, string>]>) {
      for (let i = 0; i < 4; i++) {
        expect(await request(fastServer.port, path, 'GET', headers)).toEqual(await request(reference.port, path, 'GET', headers));
        await sleep(5);
      }
    }
    expect(answered).toBeGreaterThan(4);
  });
});
