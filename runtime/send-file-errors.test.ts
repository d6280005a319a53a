/**
 * sendFile's failures against Express's res.sendFile, side by side on real
 * files: the error res.sendFile hands its callback (send's own error, or
 * Express's EISDIR) is what ctx.file throws with `expressErrors`, and what
 * the coded error keeps as its `cause` otherwise. Both servers listen on
 * 127.0.0.1 and are asked the same requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server } from './server.js';
import type { RunningServer } from './listen.js';

interface ErrorView {
  name?: string;
  message?: string;
  code?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
  syscall?: string;
  headers?: unknown;
}

/** The error as JSON, with the temp dir replaced so both sides compare. */
function viewOf(err: unknown, dir: string): ErrorView {
  const e = err as ErrorView;
  return {
    name: e.name,
    message: e.message?.split(dir).join('<dir>'),
    code: e.code,
    status: e.status,
    statusCode: e.statusCode,
    expose: e.expose,
    syscall: e.syscall,
    headers: e.headers,
  };
}

let dir: string;
let root: string;
let expressServer: HttpServer;
let expressBase: string;
let running: RunningServer;
let runtimeBase: string;

/** File name and options from the query, so one route per side serves every case. */
function fileOf(query: URLSearchParams): { file: string; opts: Record<string, unknown> } {
  return { file: query.get('file') ?? '', opts: { root, ...(JSON.parse(query.get('opts') ?? '{}') as object) } };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'exw-sendfile-errors-'));
  root = join(dir, 'public');
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(join(root, 'empty'), { recursive: true });
  writeFileSync(join(root, 'a.txt'), 'hello\n');
  writeFileSync(join(root, 'sub', 'index.html'), '<h1>sub</h1>');
  writeFileSync(join(root, '.secret'), 'SECRET');
  writeFileSync(join(dir, 'outside.txt'), 'OUTSIDE');
  mkdirSync(join(dir, '.app'), { recursive: true });
  writeFileSync(join(dir, '.app', 'in-dot-dir.txt'), 'in a dot directory');
  writeFileSync(join(dir, '.app', '.env'), 'DOTFILE');

  const app = express();
  app.get('/f', (req, res) => {
    const { file, opts } = fileOf(new URL(req.url, 'http://x').searchParams);
    res.sendFile(file, opts, (err) => {
      if (!err) return;
      res.status(299).json({ error: viewOf(err, dir), headers: res.getHeaderNames().filter((n) => n !== 'x-powered-by').sort() });
    });
  });
  await new Promise<void>((resolve) => {
    expressServer = app.listen(0, '127.0.0.1', () => resolve());
  });
  expressBase = `http://127.0.0.1:${(expressServer.address() as AddressInfo).port}`;

  const server = new Server();
  server.get('/f', async (ctx) => {
    const { file, opts } = fileOf(new URL(ctx.req.url ?? '/', 'http://x').searchParams);
    const express = opts.coded !== true;
    try {
      await ctx.file(file, { ...opts, expressErrors: express });
    } catch (caught) {
      const err = express ? caught : (caught as Error).cause;
      ctx.json({ error: viewOf(err, dir), headers: Object.keys(ctx.responseHeaders).map((n) => n.toLowerCase()).sort(), coded: (caught as { code?: string }).code }, 299);
    }
  });
  running = await server.listen({ port: 0, host: '127.0.0.1' });
  runtimeBase = `http://127.0.0.1:${running.port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => expressServer.close(() => resolve()));
  await running.close({ timeout: 1_000 });
  rmSync(dir, { recursive: true, force: true });
});

async function both(file: string, opts: object = {}, headers: Record<string, string> = {}) {
  const query = `/f?file=${encodeURIComponent(file)}&opts=${encodeURIComponent(JSON.stringify(opts))}`;
  const [a, b] = await Promise.all([fetch(expressBase + query, { headers }), fetch(runtimeBase + query, { headers })]);
  return { express: { status: a.status, body: await a.text() }, runtime: { status: b.status, body: await b.text() } };
}

const CASES: Array<{ label: string; file: string; opts?: object; headers?: Record<string, string>; expect: Partial<ErrorView>; absent?: string[] }> = [
  { label: 'missing file (ENOENT)', file: 'missing.txt', expect: { code: 'ENOENT', status: 404, expose: false } },
  { label: 'name too long (ENAMETOOLONG)', file: 'x'.repeat(300), expect: { code: 'ENAMETOOLONG', status: 404 } },
  { label: 'a file used as a directory (ENOTDIR)', file: 'a.txt/b', expect: { code: 'ENOTDIR', status: 404 } },
  { label: 'a directory (EISDIR, no status)', file: 'sub', expect: { code: 'EISDIR', message: 'EISDIR, read' }, absent: ['status'] },
  { label: 'a directory with a slash and no index file', file: 'empty/', expect: { code: 'ENOENT', status: 404 } },
  { label: 'a dotfile, ignored by default', file: '.secret', expect: { name: 'NotFoundError', status: 404 }, absent: ['code'] },
  { label: 'a dotfile with dotfiles: deny', file: '.secret', opts: { dotfiles: 'deny' }, expect: { name: 'ForbiddenError', status: 403 } },
  { label: 'a path leaving the root', file: '../outside.txt', expect: { name: 'ForbiddenError', status: 403 } },
  { label: 'a NUL byte', file: 'a.txt\0', expect: { name: 'BadRequestError', status: 400 } },
  { label: 'an unsatisfiable range (headers send set stay)', file: 'a.txt', headers: { range: 'bytes=100-200' }, expect: { status: 416, headers: { 'Content-Range': 'bytes */6' } } },
];

describe('ctx.file({ expressErrors }) throws what res.sendFile hands its callback', () => {
  for (const c of CASES) {
    it(c.label, async () => {
      const { express, runtime } = await both(c.file, c.opts, c.headers);
      expect(express.status).toBe(299);
      const want = JSON.parse(express.body) as { error: ErrorView; headers: string[] };
      expect(want.error).toMatchObject(c.expect);
      for (const key of c.absent ?? []) expect(want.error).not.toHaveProperty(key);
      expect(runtime.status).toBe(299);
      const got = JSON.parse(runtime.body) as { error: ErrorView; headers: string[] };
      expect(got.error).toEqual(want.error);
      // The headers on the response when the callback runs (send's, for 416), before the callback answers.
      expect(got.headers.filter((n) => n !== 'content-type')).toEqual(want.headers.filter((n) => n !== 'content-type'));
    });
  }

  it('serves index.html for a directory path ending in a slash, as res.sendFile does', async () => {
    const { express, runtime } = await both('sub/');
    expect(express).toEqual({ status: 200, body: '<h1>sub</h1>' });
    expect(runtime).toEqual(express);
  });

  it('succeeds without an error for a file', async () => {
    const { express, runtime } = await both('a.txt');
    expect(express).toEqual({ status: 200, body: 'hello\n' });
    expect(runtime).toEqual(express);
  });
});

describe("dotfiles: 'express4' is Express 4's res.sendFile without a dotfiles option", () => {
  // Express 4 (send 0.x) gets no dotfiles option; the runtime gets 'express4'. Absolute paths, no root.
  const pair = async (file: string) => {
    const express = await fetch(`${expressBase}/f?file=${encodeURIComponent(file)}&opts=${encodeURIComponent('{"root":null}')}`);
    const runtime = await fetch(`${runtimeBase}/f?file=${encodeURIComponent(file)}&opts=${encodeURIComponent('{"root":null,"dotfiles":"express4"}')}`);
    return { express: { status: express.status, body: await express.text() }, runtime: { status: runtime.status, body: await runtime.text() } };
  };

  it('serves a file inside a dot directory', async () => {
    const { express, runtime } = await pair(join(dir, '.app', 'in-dot-dir.txt'));
    expect(express).toEqual({ status: 200, body: 'in a dot directory' });
    expect(runtime).toEqual(express);
  });

  it('ignores a final dot segment as missing (404 NotFoundError)', async () => {
    const { express, runtime } = await pair(join(dir, '.app', '.env'));
    expect(express.status).toBe(299);
    expect(JSON.parse(express.body).error).toMatchObject({ name: 'NotFoundError', status: 404 });
    expect(JSON.parse(runtime.body).error).toEqual(JSON.parse(express.body).error);
  });

  it("while the runtime's default (Express 5's) ignores the dot directory", async () => {
    const res = await fetch(`${runtimeBase}/f?file=${encodeURIComponent(join(dir, '.app', 'in-dot-dir.txt'))}&opts=${encodeURIComponent('{"root":null}')}`);
    expect(res.status).toBe(299);
  });
});

describe('ctx.file() coded errors keep that error as their cause', () => {
  const coded: Array<{ file: string; opts?: object; code: string; cause: Partial<ErrorView> }> = [
    { file: 'missing.txt', code: 'EXW_ERR_STATIC_NOT_FOUND', cause: { code: 'ENOENT', status: 404 } },
    { file: 'x'.repeat(300), code: 'EXW_ERR_STATIC_NOT_FOUND', cause: { code: 'ENAMETOOLONG', status: 404 } },
    { file: 'sub', code: 'EXW_ERR_STATIC_NOT_FOUND', cause: { code: 'EISDIR' } },
    { file: '.secret', opts: { dotfiles: 'deny' }, code: 'EXW_ERR_STATIC_FORBIDDEN', cause: { name: 'ForbiddenError', status: 403 } },
    { file: '../outside.txt', code: 'EXW_ERR_STATIC_FORBIDDEN', cause: { name: 'ForbiddenError', status: 403 } },
    { file: 'a.txt\0', code: 'EXW_ERR_STATIC_BAD_PATH', cause: { name: 'BadRequestError', status: 400 } },
  ];
  for (const c of coded) {
    it(`${c.code} for ${c.file.slice(0, 20)} carries ${JSON.stringify(c.cause)}`, async () => {
      const { express, runtime } = await both(c.file, { ...c.opts, coded: true });
      const got = JSON.parse(runtime.body) as { error: ErrorView; coded: string };
      expect(got.coded).toBe(c.code);
      expect(got.error).toMatchObject(c.cause);
      expect(got.error).toEqual((JSON.parse(express.body) as { error: ErrorView }).error);
    });
  }
});
