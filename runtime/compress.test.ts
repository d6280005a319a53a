/**
 * compress() side by side with the real `compression` package on real
 * Express: the same routes on both, the same requests, and the answers
 * compared as they come off the wire: status, every header except Date,
 * and the raw body bytes (still encoded). Each case also checks what it is
 * about (compressed or not), so a case cannot pass by both sides skipping
 * compression.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import compression from 'compression';
import express from 'express';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import zlib from 'node:zlib';
import { compress, type CompressOptions } from './compress.js';
import type { Context } from './context.js';
import { Server } from './server.js';
import { serveStatic } from './static.js';
import { RACY_MS } from './static-cache.js';
import type { RunningServer } from './listen.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function request(port: number, path: string, opts: { method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: { connection: 'close', ...opts.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers = { ...res.headers };
        delete headers.date;
        // express.static (send 0.19, mime 1) says charset=UTF-8, serveStatic (send 1, mime-types) utf-8: not compression's doing.
        if (typeof headers['content-type'] === 'string') headers['content-type'] = headers['content-type'].replace('charset=UTF-8', 'charset=utf-8');
        resolve({ status: res.statusCode!, headers, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const bigList = Array.from({ length: 2000 }, (_, i) => ({ id: i, name: `item ${i}`, tags: ['a', 'b', String(i % 7)] }));
const hugeList = Array.from({ length: 40000 }, (_, i) => ({ id: i, name: `item ${i}`, flag: i % 3 === 0 }));
const text5k = 'lorem ipsum dolor sit amet '.repeat(200);
const png = Buffer.alloc(4000, 7);
const chunksOf = () => Array.from({ length: 40 }, (_, i) => `line ${i} ${'x'.repeat(100)}\n`);

/** The same answers, written for Express and for the runtime. */
function expressApp(options: CompressOptions, dir: string): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(compression(options));
  app.use(express.static(dir));
  app.get('/json-small', (_req, res) => res.json({ ok: true }));
  app.get('/json-large', (_req, res) => res.json(bigList));
  app.get('/json-huge', (_req, res) => res.json(hugeList));
  app.get('/text', (_req, res) => res.type('text/plain').send(text5k));
  app.get('/buffer-text', (_req, res) => res.type('text/plain').send(Buffer.from(text5k)));
  app.get('/png', (_req, res) => res.type('image/png').send(png));
  app.get('/no-transform', (_req, res) => res.set('Cache-Control', 'public, no-transform').json(bigList));
  app.get('/encoded', (_req, res) => res.set('Content-Encoding', 'x-custom').type('text/plain').send(text5k));
  app.get('/vary', (_req, res) => res.set('Vary', 'Origin').json(bigList));
  app.get('/vary-star', (_req, res) => res.set('Vary', '*').json(bigList));
  app.get('/empty-204', (_req, res) => res.status(204).send());
  app.get('/file', (_req, res) => res.sendFile(join(dir, 'site.css')));
  app.get('/stream', (_req, res) => {
    res.setHeader('Content-Type', 'text/plain');
    Readable.from(chunksOf()).pipe(res);
  });
  app.get('/stream-length', (_req, res) => {
    const lines = chunksOf();
    res.setHeader('Content-Type', 'text/plain');
    res.setHeader('Content-Length', Buffer.byteLength(lines.join('')));
    Readable.from(lines).pipe(res);
  });
  return app;
}

function runtimeApp(options: CompressOptions, dir: string): Server {
  const server = new Server();
  server.requestMiddleware(compress(options, compression));
  server.requestMiddleware(serveStatic(dir));
  server.get('/json-small', (ctx) => ctx.json({ ok: true }));
  server.get('/json-large', (ctx) => ctx.json(bigList));
  server.get('/json-huge', (ctx) => ctx.json(hugeList));
  server.get('/text', (ctx) => {
    ctx.setHeader('content-type', 'text/plain; charset=utf-8');
    ctx.body = text5k;
  });
  server.get('/buffer-text', (ctx) => {
    ctx.setHeader('content-type', 'text/plain; charset=utf-8');
    ctx.body = Buffer.from(text5k);
  });
  server.get('/png', (ctx) => {
    ctx.setHeader('content-type', 'image/png');
    ctx.body = png;
  });
  server.get('/no-transform', (ctx: Context) => {
    ctx.setHeader('cache-control', 'public, no-transform');
    ctx.json(bigList);
  });
  server.get('/encoded', (ctx) => {
    ctx.setHeader('content-encoding', 'x-custom');
    ctx.setHeader('content-type', 'text/plain; charset=utf-8');
    ctx.body = text5k;
  });
  server.get('/vary', (ctx) => {
    ctx.setHeader('vary', 'Origin');
    ctx.json(bigList);
  });
  server.get('/vary-star', (ctx) => {
    ctx.setHeader('vary', '*');
    ctx.json(bigList);
  });
  server.get('/empty-204', (ctx) => {
    ctx.status = 204;
  });
  server.get('/file', (ctx) => ctx.file(join(dir, 'site.css')));
  server.get('/stream', (ctx) => {
    ctx.setHeader('content-type', 'text/plain');
    ctx.stream(Readable.from(chunksOf()));
  });
  server.get('/stream-length', (ctx) => {
    const lines = chunksOf();
    ctx.setHeader('content-type', 'text/plain');
    ctx.setHeader('content-length', String(Buffer.byteLength(lines.join(''))));
    ctx.stream(Readable.from(lines));
  });
  return server;
}

interface Pair {
  expressPort: number;
  runtimePort: number;
  close(): Promise<void>;
}

async function startPair(options: CompressOptions, dir: string): Promise<Pair> {
  const httpServer = http.createServer(expressApp(options, dir));
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
  const running: RunningServer = await runtimeApp(options, dir).listen({ port: 0, host: '127.0.0.1' });
  return {
    expressPort: (httpServer.address() as AddressInfo).port,
    runtimePort: running.port,
    close: async () => {
      await running.close();
      await new Promise((r) => httpServer.close(r));
    },
  };
}

async function sideBySide(pair: Pair, path: string, opts: { method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const want = await request(pair.expressPort, path, opts);
  const got = await request(pair.runtimePort, path, opts);
  expect({ path, ...opts, status: got.status, headers: got.headers }).toEqual({ path, ...opts, status: want.status, headers: want.headers });
  expect(got.body.equals(want.body), `${path} ${JSON.stringify(opts)}: body bytes differ`).toBe(true);
  return got;
}

let dir: string;
let created = 0;
const pairs: Pair[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'exw-compress-'));
  writeFileSync(join(dir, 'small.css'), 'body { color: red; }\n');
  writeFileSync(join(dir, 'site.css'), '.a { margin: 0 auto; padding: 1px; }\n'.repeat(100));
  writeFileSync(join(dir, 'big.txt'), 'console.log("a long line of javascript", 12345);\n'.repeat(6000));
  writeFileSync(join(dir, 'logo.png'), png);
  // Older than the static cache's quiet period, so the fast path answers from memory (static-fast.ts).
  created = Date.now();
  const past = new Date(Date.now() - 60_000);
  for (const name of ['small.css', 'site.css', 'big.txt', 'logo.png']) utimesSync(join(dir, name), past, past);
});

afterAll(async () => {
  for (const pair of pairs) await pair.close();
  rmSync(dir, { recursive: true, force: true });
});

async function pair(options: CompressOptions): Promise<Pair> {
  const p = await startPair(options, dir);
  pairs.push(p);
  return p;
}

const GZIP = { 'accept-encoding': 'gzip' };

describe('compress() against compression on Express, threshold 1024', () => {
  let p: Pair;
  beforeAll(async () => {
    p = await pair({ threshold: 1024 });
  });

  it('compresses large JSON, text and Buffer bodies with gzip, chunked and with Vary', async () => {
    for (const path of ['/json-large', '/text', '/buffer-text']) {
      const got = await sideBySide(p, path, { headers: GZIP });
      expect(got.headers['content-encoding']).toBe('gzip');
      expect(got.headers['transfer-encoding']).toBe('chunked');
      expect(got.headers.vary).toBe('Accept-Encoding');
      expect(zlib.gunzipSync(got.body).length).toBeGreaterThan(1024);
    }
  });

  it('compresses a body larger than the synchronous limit the same way (zlib stream)', async () => {
    for (const encoding of ['gzip', 'br', 'deflate']) {
      const got = await sideBySide(p, '/json-huge', { headers: { 'accept-encoding': encoding } });
      expect(got.headers['content-encoding']).toBe(encoding);
    }
  });

  it('leaves a small answer alone but adds Vary', async () => {
    const got = await sideBySide(p, '/json-small', { headers: GZIP });
    expect(got.headers['content-encoding']).toBeUndefined();
    expect(got.headers.vary).toBe('Accept-Encoding');
  });

  it('answers HEAD with Vary and the plain Content-Length', async () => {
    const got = await sideBySide(p, '/json-large', { method: 'HEAD', headers: GZIP });
    expect(got.headers['content-encoding']).toBeUndefined();
    expect(got.headers.vary).toBe('Accept-Encoding');
  });

  it('does not touch non-compressible types, no-transform or already encoded answers', async () => {
    for (const path of ['/png', '/no-transform', '/encoded', '/empty-204']) {
      const got = await sideBySide(p, path, { headers: GZIP });
      expect(got.headers['content-encoding']).not.toBe('gzip');
    }
  });

  it('appends to an existing Vary, and leaves Vary: * alone', async () => {
    expect((await sideBySide(p, '/vary', { headers: GZIP })).headers.vary).toBe('Origin, Accept-Encoding');
    expect((await sideBySide(p, '/vary-star', { headers: GZIP })).headers.vary).toBe('*');
  });

  it('negotiates as compression does', async () => {
    const headers = [
      'gzip', 'deflate', 'br', 'identity', 'gzip, deflate, br', 'gzip, deflate', 'deflate, gzip', 'gzip;q=0.5, br;q=0.4',
      'br;q=0, *', '*', 'identity;q=0', 'gzip;q=0, identity;q=0', 'x-foo', 'GZIP', 'deflate;q=1, gzip;q=1', '*;q=0', '',
      'br;q=0.9, gzip;q=0.9, deflate;q=1', 'compress, gzip;q=abc',
    ];
    const seen = new Set<unknown>();
    for (const accept of headers) {
      const got = await sideBySide(p, '/json-large', { headers: { 'accept-encoding': accept } });
      seen.add(got.headers['content-encoding']);
    }
    expect(seen).toEqual(new Set(['gzip', 'deflate', 'br', undefined]));
  });

  it('answers without Accept-Encoding uncompressed (enforceEncoding identity)', async () => {
    const got = await sideBySide(p, '/json-large');
    expect(got.headers['content-encoding']).toBeUndefined();
  });

  it('compresses streams chunk by chunk, with or without a Content-Length', async () => {
    for (const encoding of ['gzip', 'br', 'deflate']) {
      const got = await sideBySide(p, '/stream', { headers: { 'accept-encoding': encoding } });
      expect(got.headers['content-encoding']).toBe(encoding);
      expect((await sideBySide(p, '/stream-length', { headers: { 'accept-encoding': encoding } })).headers['content-encoding']).toBe(encoding);
    }
  });

  it('serves static files as express.static under compression: small, cached, streamed, 304, HEAD, Range', async () => {
    // The fast path copies a file only once its ctime is RACY_MS old (utimes cannot age ctime).
    await sleep(Math.max(0, created + RACY_MS + 100 - Date.now()));
    for (let round = 0; round < 3; round++) {
      await sleep(20); // the copy is filled in the background after the first hot request
      for (const path of ['/small.css', '/site.css', '/big.txt', '/logo.png']) {
        for (const encoding of ['gzip', 'br', 'identity']) await sideBySide(p, path, { headers: { 'accept-encoding': encoding } });
        await sideBySide(p, path, { method: 'HEAD', headers: GZIP });
      }
    }
    const site = await sideBySide(p, '/site.css', { headers: GZIP });
    expect(site.headers['content-encoding']).toBe('gzip');
    const big = await sideBySide(p, '/big.txt', { headers: { 'accept-encoding': 'br' } });
    expect(big.headers['content-encoding']).toBe('br');
    const fresh = await sideBySide(p, '/site.css', { headers: { ...GZIP, 'if-none-match': String(site.headers.etag) } });
    expect(fresh.status).toBe(304);
    const file = await sideBySide(p, '/file', { headers: GZIP });
    expect(file.headers['content-encoding']).toBe('gzip');
    const range = await sideBySide(p, '/big.txt', { headers: { ...GZIP, range: 'bytes=0-2999' } });
    expect(range.status).toBe(206);
  }, RACY_MS + 10_000);
});

describe('compress() options against compression', () => {
  it('threshold 0 compresses even tiny answers', async () => {
    const p = await pair({ threshold: 0 });
    const got = await sideBySide(p, '/json-small', { headers: GZIP });
    expect(got.headers['content-encoding']).toBe('gzip');
    await sideBySide(p, '/empty-204', { headers: GZIP });
    await sideBySide(p, '/small.css', { headers: GZIP });
  });

  it("threshold '1kb' and 5000", async () => {
    const kb = await pair({ threshold: '1kb' });
    expect((await sideBySide(kb, '/text', { headers: GZIP })).headers['content-encoding']).toBe('gzip');
    const high = await pair({ threshold: 6000 });
    expect((await sideBySide(high, '/text', { headers: GZIP })).headers['content-encoding']).toBeUndefined();
    expect((await sideBySide(high, '/json-large', { headers: GZIP })).headers['content-encoding']).toBe('gzip');
  });

  it('level, memLevel and brotli quality', async () => {
    const p = await pair({ level: 9, memLevel: 9, brotli: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } } });
    for (const encoding of ['gzip', 'deflate', 'br']) await sideBySide(p, '/json-large', { headers: { 'accept-encoding': encoding } });
    const fast = await pair({ level: 1, strategy: zlib.constants.Z_HUFFMAN_ONLY, windowBits: 12 });
    await sideBySide(fast, '/json-large', { headers: GZIP });
  });

  it('enforceEncoding applies to requests without Accept-Encoding only', async () => {
    const p = await pair({ enforceEncoding: 'gzip' });
    expect((await sideBySide(p, '/json-large')).headers['content-encoding']).toBe('gzip');
    expect((await sideBySide(p, '/json-large', { headers: { 'accept-encoding': 'identity' } })).headers['content-encoding']).toBeUndefined();
    const br = await pair({ enforceEncoding: 'br' });
    expect((await sideBySide(br, '/stream')).headers['content-encoding']).toBe('br');
  });

  it('a per-write flush option (streams fed by writes, as compression does)', async () => {
    const p = await pair({ flush: zlib.constants.Z_SYNC_FLUSH, chunkSize: 1024 });
    await sideBySide(p, '/json-large', { headers: GZIP });
    await sideBySide(p, '/stream', { headers: GZIP });
  });

  it('info: true (which changes what one-shot zlib returns, not what streams emit)', async () => {
    const p = await pair({ info: true });
    for (const encoding of ['gzip', 'deflate']) {
      expect((await sideBySide(p, '/json-large', { headers: { 'accept-encoding': encoding } })).headers['content-encoding']).toBe(encoding);
    }
  });
});

describe('compress() and ctx.sse()', () => {
  it('compresses an event stream and flushes every event, so each one arrives as it is sent', async () => {
    let seenFirst!: () => void;
    const firstSeen = new Promise<void>((resolve) => (seenFirst = resolve));
    const server = new Server();
    server.requestMiddleware(compress({ threshold: 0 }, compression));
    server.get('/events', async (ctx) => {
      const sse = await ctx.sse();
      await sse.send({ data: 'one' });
      await firstSeen; // the client decoded 'one' before 'two' exists
      await sse.send({ data: 'two' });
      sse.close();
    });
    const running = await server.listen({ port: 0, host: '127.0.0.1' });
    try {
      const decoded = await new Promise<string>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port: running.port, path: '/events', headers: GZIP }, (res) => {
          expect(res.headers['content-encoding']).toBe('gzip');
          let text = '';
          const gunzip = res.pipe(zlib.createGunzip());
          gunzip.on('data', (chunk: Buffer) => {
            text += chunk.toString();
            if (text.includes('data: one')) seenFirst();
          });
          gunzip.on('end', () => resolve(text));
          gunzip.on('error', reject);
        }).on('error', reject);
      });
      expect(decoded).toBe('data: one\n\ndata: two\n\n');
    } finally {
      await running.close();
    }
  });
});

describe('compress() registration', () => {
  it('refuses a filter and invalid zlib options with coded errors', () => {
    expect(() => compress({ filter: () => true } as CompressOptions)).toThrow(expect.objectContaining({ code: 'EXW_ERR_COMPRESS_FILTER' }));
    expect(() => compress({ level: 42 })).toThrow(expect.objectContaining({ code: 'EXW_ERR_COMPRESS_OPTIONS' }));
  });
});
