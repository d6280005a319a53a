/**
 * ctx.file's fast path (send-file-fast.ts) side by side with Express 4's
 * res.sendFile / res.download on the same files, through a real Server.
 *
 * Each request is asked several times: the first answers go through `send`
 * (a path not seen yet, a file not copied yet), the later ones from memory.
 * Every answer must equal Express's (status, headers, body). The test also
 * counts the file opens (fs.createReadStream, what `send` uses) for the
 * files it serves, so it fails if the fast path never answered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import fs, { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import http, { type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RACY_MS } from './static-cache.js';
import { Server } from './server.js';
import type { RunningServer } from './listen.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with node's client (no compression, no header rewriting), Date and connection headers left out. */
function request(base: string, path: string, method = 'GET', headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(base + path, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const { date: _d, connection: _c, 'keep-alive': _k, 'x-powered-by': _p, ...rest } = res.headers;
        resolve({ status: res.statusCode!, headers: rest, body: Buffer.concat(chunks).toString('latin1') });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

let dir: string;
let docs: string;
let exportsDir: string;
let expressServer: HttpServer;
let expressBase: string;
let running: RunningServer;
let runtimeBase: string;

/** Opens of files under `dir` (send reads a file through fs.createReadStream). */
let opens = 0;
const realCreateReadStream = fs.createReadStream;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'exw-sendfile-fast-'));
  docs = join(dir, 'docs');
  exportsDir = join(dir, 'exports');
  mkdirSync(join(docs, 'guides'), { recursive: true });
  mkdirSync(exportsDir);
  writeFileSync(join(docs, 'index.html'), '<h1>docs</h1>\n');
  writeFileSync(join(docs, 'guides', 'writing.md'), '# Writing\n\nShort sentences.\n');
  writeFileSync(join(docs, 'guides', 'index.html'), '<h1>guides</h1>\n');
  writeFileSync(join(docs, '.hidden'), 'secret');
  writeFileSync(join(exportsDir, 'posts-2026.csv'), 'id,slug\n1,hello-express\n2,streaming-responses\n');
  writeFileSync(join(exportsDir, 'readme.txt'), 'Exports are regenerated nightly.\n');
  writeFileSync(join(exportsDir, 'data.bin'), Buffer.from([0, 1, 2, 3, 254, 255]));
  for (const file of ['posts-2026.csv', 'readme.txt', 'data.bin']) {
    utimesSync(join(exportsDir, file), new Date('2026-01-02T03:04:05Z'), new Date('2026-01-02T03:04:05Z'));
  }

  (fs as { createReadStream: typeof fs.createReadStream }).createReadStream = ((path: fs.PathLike, options?: never) => {
    if (String(path).startsWith(dir)) opens++;
    return realCreateReadStream(path, options);
  }) as typeof fs.createReadStream;

  // The fixtures/hard-cases routes, and sendFile with a headers option.
  const app = express();
  app.set('etag', false); // the runtime makes no ETag for dynamic bodies (the 404 JSON); file ETags are send's on both sides
  app.get('/docs/*', (req, res, next) => {
    res.sendFile(req.params[0] || 'index.html', { root: docs, dotfiles: 'deny', maxAge: '10m' }, (err) => {
      if (err) next(err.status === 404 ? undefined : err);
    });
  });
  app.get('/exports/:file', (req, res, next) => {
    res.download(join(exportsDir, req.params.file), `field-notes-${req.params.file}`, (err) => {
      if (err && !res.headersSent) next(err.code === 'ENOENT' ? undefined : err);
    });
  });
  app.get('/plain/:file', (req, res) => {
    res.sendFile(join(exportsDir, req.params.file), { headers: { 'X-Export': 'yes', 'Content-Type': 'text/x-export' } });
  });
  app.use((req, res) => res.status(404).json({ missing: req.path }));
  // The type set explicitly: a 412 keeps send's Content-Type on Express's response, which res.json would keep.
  app.use((err: { status?: number }, _req: unknown, res: express.Response, _next: unknown) => res.status(err.status ?? 500).type('application/json').send(JSON.stringify({ failed: err.status })));
  await new Promise<void>((resolve) => {
    expressServer = app.listen(0, '127.0.0.1', () => resolve());
  });
  expressBase = `http://127.0.0.1:${(expressServer.address() as AddressInfo).port}`;

  // What the codemod writes for those routes (see fixtures/hard-cases after migrate).
  const server = new Server({ logErrors: false });
  server.get('/docs/{wildcard:.*}', async (ctx) => {
    try {
      await ctx.file(ctx.params.wildcard || 'index.html', { root: docs, dotfiles: 'deny', maxAge: '10m', expressErrors: true });
    } catch (err) {
      if ((err as { status?: number }).status === 404) return ctx.fallThrough();
      throw err;
    }
  });
  server.get('/exports/{file}', async (ctx) => {
    try {
      await ctx.file(join(exportsDir, ctx.params.file), { expressErrors: true, dotfiles: 'express4', attachment: `field-notes-${ctx.params.file}` });
    } catch (err) {
      if (!ctx.committed) {
        if ((err as { code?: string }).code === 'ENOENT') return ctx.fallThrough();
        throw err;
      }
    }
  });
  server.get('/plain/{file}', async (ctx) => {
    await ctx.file(join(exportsDir, ctx.params.file), { dotfiles: 'express4', headers: { 'X-Export': 'yes', 'Content-Type': 'text/x-export' } });
  });
  server.notFound((ctx) => ctx.json({ missing: ctx.path }, 404));
  server.panicHook((ctx, err) => {
    ctx.json({ failed: (err as { status?: number }).status }, (err as { status?: number }).status ?? 500);
    ctx.setHeader('Content-Type', 'application/json; charset=utf-8');
  });
  running = await server.listen({ port: 0, host: '127.0.0.1' });
  runtimeBase = `http://127.0.0.1:${running.port}`;

  await sleep(RACY_MS + 100); // files are copied into memory only once they have been quiet this long
}, RACY_MS + 10_000);

afterAll(async () => {
  (fs as { createReadStream: typeof fs.createReadStream }).createReadStream = realCreateReadStream;
  await new Promise<void>((resolve) => expressServer.close(() => resolve()));
  await running.close({ timeout: 1_000 });
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Express 4's send 0.x writes `charset=UTF-8` where the runtime's send 1.x
 * (with or without this fast path) writes `charset=utf-8`, a difference
 * verify's `charset` normaliser covers; only that is made equal here.
 */
function charsetCase(answer: Answer): Answer {
  const type = answer.headers['content-type'];
  if (typeof type !== 'string') return answer;
  return { ...answer, headers: { ...answer.headers, 'content-type': type.replace('charset=UTF-8', 'charset=utf-8') } };
}

/**
 * Asks both sides `times` times. The runtime's first answer comes from send
 * (a path not seen yet); every later one must be byte for byte that first
 * answer, and every one Express's (charset case aside, see charsetCase).
 */
async function sameEveryTime(path: string, opts: { method?: string; headers?: Record<string, string>; times?: number } = {}): Promise<void> {
  let first: Answer | undefined;
  for (let i = 0; i < (opts.times ?? 5); i++) {
    const want = await request(expressBase, path, opts.method, opts.headers);
    const got = await request(runtimeBase, path, opts.method, opts.headers);
    first ??= got;
    expect({ path, i, ...got }).toEqual({ path, i, ...first });
    expect({ path, i, ...got }).toEqual({ path, i, ...charsetCase(want) });
  }
}

/** File opens made by the runtime for `times` requests. */
async function runtimeOpens(path: string, times: number, headers: Record<string, string> = {}): Promise<number> {
  const before = opens;
  for (let i = 0; i < times; i++) await request(runtimeBase, path, 'GET', headers);
  return opens - before;
}

describe('ctx.file fast path next to res.sendFile / res.download', () => {
  it('answers res.download (Content-Disposition, absolute path, no root) as Express', async () => {
    await sameEveryTime('/exports/posts-2026.csv');
    await sameEveryTime('/exports/readme.txt');
    await sameEveryTime('/exports/data.bin');
  });

  it('answers sendFile with root, dotfiles and maxAge as Express, index.html for the empty path', async () => {
    await sameEveryTime('/docs/guides/writing.md');
    await sameEveryTime('/docs/');
  });

  it("keeps sendFile's headers option (Content-Type replaced) as Express", async () => {
    await sameEveryTime('/plain/readme.txt');
  });

  it('answers HEAD, If-None-Match and If-Modified-Since (304) as Express', async () => {
    await sameEveryTime('/exports/readme.txt', { method: 'HEAD' });
    const { headers } = await request(expressBase, '/exports/readme.txt');
    await sameEveryTime('/exports/readme.txt', { headers: { 'if-none-match': String(headers.etag) } });
    await sameEveryTime('/docs/guides/writing.md', { headers: { 'if-modified-since': 'Sat, 01 Jan 2050 00:00:00 GMT' } });
  });

  it('leaves Range, If-Match, missing files, dotfiles and traversal to send, answering as Express', async () => {
    await sameEveryTime('/exports/readme.txt', { headers: { range: 'bytes=0-7' } });
    await sameEveryTime('/exports/readme.txt', { headers: { 'if-match': '"nope"' } });
    await sameEveryTime('/exports/nothing.csv');
    await sameEveryTime('/docs/.hidden');
    await sameEveryTime('/docs/..%2F..%2Fetc%2Fpasswd');
    await sameEveryTime('/docs/guides');
  });

  it('serves from memory once the file is known: no file opened', async () => {
    await runtimeOpens('/exports/posts-2026.csv', 3);
    expect(await runtimeOpens('/exports/posts-2026.csv', 5)).toBe(0);
    expect(await runtimeOpens('/docs/guides/writing.md', 5)).toBe(0);
    // Range is send's: the file is opened each time.
    expect(await runtimeOpens('/exports/posts-2026.csv', 3, { range: 'bytes=0-3' })).toBe(3);
  });

  it('a file changed on disk is answered new on the next request, as Express', async () => {
    await sameEveryTime('/exports/readme.txt');
    const path = join(exportsDir, 'readme.txt');
    writeFileSync(path, 'Exports are regenerated hourly.\n'); // same size; mtime put back below, ctime moves
    utimesSync(path, new Date('2026-01-02T03:04:05Z'), new Date('2026-01-02T03:04:05Z'));
    const fresh = await request(runtimeBase, '/exports/readme.txt');
    expect(fresh.body).toBe('Exports are regenerated hourly.\n');
    await sameEveryTime('/exports/readme.txt');
  });
});
