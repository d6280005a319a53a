/**
 * serveStatic / sendFile against a real node:http server on 127.0.0.1.
 *
 * The harness below is a small host implementing the structural StaticHost
 * interface the way the runtime's Context does (builder headers, commitHead
 * running "response middleware" first). A second harness hands the module
 * a path that was only decoded, never normalised, to prove the traversal
 * checks hold on their own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, utimesSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizePath, rawPathOf } from './normalize-path.js';
import { sendFile, serveStatic, type ServeStaticOptions, type StaticHost } from './static.js';
import { Server } from './server.js';
import type { RunningServer } from './listen.js';
import { createRequire } from 'node:module';

/** The header as Express 4's res.download writes it: with the content-disposition Express itself depends on. */
const expressRequire = createRequire(createRequire(import.meta.url).resolve('express'));
const expressContentDisposition = expressRequire('content-disposition') as (name: string) => string;

type HeaderValue = string | number | readonly string[];

class TestHost implements StaticHost {
  status = 200;
  aborted = false;
  readonly method: string;
  readonly headers = new Map<string, HeaderValue>();
  private committing: Promise<void> | undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly path: string,
    private readonly responseMiddleware: (host: TestHost) => void | Promise<void>,
  ) {
    this.method = req.method ?? 'GET';
  }

  setHeader(name: string, value: HeaderValue): void {
    this.headers.set(name.toLowerCase(), value);
  }
  getHeader(name: string): HeaderValue | undefined {
    return this.headers.get(name.toLowerCase());
  }
  removeHeader(name: string): void {
    this.headers.delete(name.toLowerCase());
  }
  abort(): void {
    this.aborted = true;
  }
  commitHead(): Promise<void> {
    this.committing ??= (async () => {
      await this.responseMiddleware(this);
      this.res.writeHead(this.status, Object.fromEntries(this.headers) as http.OutgoingHttpHeaders);
    })();
    return this.committing;
  }
}

interface Harness {
  url: string;
  port: number;
  close(): Promise<void>;
  /** Resolves with each finished middleware run (for "the promise settles" checks). */
  runs: Array<{ path: string; aborted: boolean; error?: unknown }>;
}

type PathMode = 'normalised' | 'decoded-only';

async function startHarness(
  middleware: (host: TestHost) => Promise<void>,
  options: { pathMode?: PathMode; preset?: (host: TestHost) => void } = {},
): Promise<Harness> {
  const runs: Harness['runs'] = [];
  const server = http.createServer((req, res) => {
    let path: string;
    try {
      path = options.pathMode === 'decoded-only' ? decodeURIComponent(rawPathOf(req.url ?? '/')) : normalizePath(rawPathOf(req.url ?? '/'));
    } catch {
      res.writeHead(400).end('bad path');
      return;
    }
    const host = new TestHost(req, res, path, (h) => {
      h.setHeader('x-response-mw', `saw ${h.status}`);
    });
    options.preset?.(host);
    middleware(host).then(
      () => {
        runs.push({ path, aborted: host.aborted });
        if (!host.aborted && !res.headersSent) res.writeHead(404, { 'content-type': 'text/plain' }).end('fell through');
      },
      (error: unknown) => {
        runs.push({ path, aborted: host.aborted, error });
        if (!res.headersSent) res.writeHead(500).end(`error ${(error as { code?: string }).code ?? ''} ${(error as { status?: number }).status ?? ''}`);
        else res.destroy();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    runs,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A request with the path sent byte for byte (fetch would resolve dot segments first). */
function raw(port: number, path: string, method = 'GET', headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

let dir: string;
let root: string;
const HELLO = 'hello, static world\n';
const BIG = Buffer.alloc(3 * 1024 * 1024 + 17, 'abcdefghij');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'exw-static-'));
  root = join(dir, 'public');
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(join(root, 'empty'), { recursive: true });
  mkdirSync(join(root, '.hidden'), { recursive: true });
  writeFileSync(join(dir, 'secret.txt'), 'TOP SECRET');
  writeFileSync(join(root, 'hello.txt'), HELLO);
  writeFileSync(join(root, 'index.html'), '<h1>root index</h1>');
  writeFileSync(join(root, 'sub', 'index.html'), '<h1>sub index</h1>');
  writeFileSync(join(root, '.env'), 'SECRET=1');
  writeFileSync(join(root, '.hidden', 'file.txt'), 'hidden');
  writeFileSync(join(root, '100%.txt'), 'percent');
  writeFileSync(join(root, '%2e%2e'), 'literal dots name');
  writeFileSync(join(root, 'a b.txt'), 'space');
  writeFileSync(join(root, 'page.html'), '<p>page</p>');
  writeFileSync(join(root, 'big.bin'), BIG);
  writeFileSync(join(root, 'data.json'), '{"a":1}');
  utimesSync(join(root, 'hello.txt'), new Date('2024-01-02T03:04:05Z'), new Date('2024-01-02T03:04:05Z'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('serveStatic: files and caching', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(serveStatic(root));
  });
  afterAll(() => h.close());

  it('serves a file with type, length, ETag, Last-Modified, and aborts the pipeline', async () => {
    const res = await fetch(`${h.url}/hello.txt`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(HELLO);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(HELLO)));
    expect(res.headers.get('etag')).toMatch(/^W\/".+"$/);
    expect(res.headers.get('last-modified')).toBe('Tue, 02 Jan 2024 03:04:05 GMT');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('cache-control')).toBe('public, max-age=0');
    expect(h.runs.at(-1)).toMatchObject({ path: '/hello.txt', aborted: true });
  });

  it('applies response-middleware headers (commitHead) and lets them see the status', async () => {
    const res = await fetch(`${h.url}/hello.txt`);
    expect(res.headers.get('x-response-mw')).toBe('saw 200');
    const partial = await fetch(`${h.url}/hello.txt`, { headers: { range: 'bytes=0-4' } });
    expect(partial.headers.get('x-response-mw')).toBe('saw 206');
  });

  it('answers 304 to If-None-Match and If-Modified-Since, without a body', async () => {
    // node:http, not fetch: fetch adds Cache-Control: no-cache to conditional requests.
    const first = await raw(h.port, '/hello.txt');
    const etag = first.headers.etag as string;
    const byEtag = await raw(h.port, '/hello.txt', 'GET', { 'if-none-match': etag });
    expect(byEtag.status).toBe(304);
    expect(byEtag.body).toBe('');
    expect(byEtag.headers['content-type']).toBeUndefined();
    expect(byEtag.headers['x-response-mw']).toBe('saw 304');
    const byDate = await raw(h.port, '/hello.txt', 'GET', { 'if-modified-since': 'Wed, 03 Jan 2024 00:00:00 GMT' });
    expect(byDate.status).toBe(304);
    const stale = await raw(h.port, '/hello.txt', 'GET', { 'if-none-match': '"other"' });
    expect(stale.status).toBe(200);
    expect(stale.body).toBe(HELLO);
  });

  it('answers 412 when If-Match does not match', async () => {
    const res = await fetch(`${h.url}/hello.txt`, { headers: { 'if-match': '"nope"' } });
    expect(res.status).toBe(412);
  });

  it('serves a byte range with 206 and Content-Range', async () => {
    const res = await fetch(`${h.url}/hello.txt`, { headers: { range: 'bytes=7-12' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 7-12/${Buffer.byteLength(HELLO)}`);
    expect(await res.text()).toBe(HELLO.slice(7, 13));
    const suffix = await fetch(`${h.url}/hello.txt`, { headers: { range: 'bytes=-3' } });
    expect(await suffix.text()).toBe(HELLO.slice(-3));
  });

  it('answers 416 with Content-Range */size for an unsatisfiable range', async () => {
    const res = await fetch(`${h.url}/hello.txt`, { headers: { range: 'bytes=5000-6000' } });
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe(`bytes */${Buffer.byteLength(HELLO)}`);
    expect(res.headers.get('etag')).toBeNull();
  });

  it('answers HEAD with the headers and no body', async () => {
    const res = await raw(h.port, '/hello.txt', 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(HELLO)));
    expect(res.body).toBe('');
  });

  it('serves index.html for directories and redirects a directory without trailing slash', async () => {
    expect(await (await fetch(`${h.url}/`)).text()).toBe('<h1>root index</h1>');
    expect(await (await fetch(`${h.url}/sub/`)).text()).toBe('<h1>sub index</h1>');
    const redirect = await raw(h.port, '/sub?x=1');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('/sub/?x=1');
  });

  it('answers with the same status, headers and body as express.static (files, ranges, 304, redirects)', async () => {
    const express = (await import('express')).default;
    const app = express();
    app.use(express.static(root));
    const legacy = http.createServer(app);
    await new Promise<void>((resolve) => legacy.listen(0, '127.0.0.1', resolve));
    try {
      for (const [path, headers] of [
        ['/sub?x=1&y=<b>', {}],
        ['/sub', {}],
        ['/hello.txt', {}],
        ['/hello.txt', { range: 'bytes=2-6' }],
        ['/hello.txt', { range: 'bytes=900-' }],
        ['/data.json', { 'if-modified-since': 'Wed, 01 Jan 2098 00:00:00 GMT' }],
        ['/index.html', {}],
        ['/a%20b.txt', {}],
      ] as Array<[string, Record<string, string>]>) {
        const ours = await raw(h.port, path, 'GET', headers);
        const theirs = await raw((legacy.address() as AddressInfo).port, path, 'GET', headers);
        if (theirs.status === 416) {
          // Express's 416 is its error page; the status and Content-Range are what matter.
          expect([ours.status, ours.headers['content-range']]).toEqual([416, theirs.headers['content-range']]);
          continue;
        }
        expect(ours.status).toBe(theirs.status);
        expect(ours.body).toBe(theirs.body);
        for (const name of ['location', 'content-type', 'content-length', 'content-security-policy', 'x-content-type-options', 'etag', 'last-modified', 'cache-control', 'accept-ranges', 'content-range']) {
          // send 1 (ours, Express 5) writes charset=utf-8 where Express 4's send 0.19 wrote UTF-8.
          const norm = (v: string | string[] | undefined) => (name === 'content-type' && typeof v === 'string' ? v.toLowerCase() : v);
          expect([path, name, norm(ours.headers[name])]).toEqual([path, name, norm(theirs.headers[name])]);
        }
      }
    } finally {
      legacy.closeAllConnections();
      await new Promise((resolve) => legacy.close(resolve));
    }
  });

  it('never redirects off-site from a path starting with two slashes', async () => {
    const res = await raw(h.port, '//sub');
    // The normaliser collapsed the path; the Location keeps a single leading slash.
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('/sub/');
  });

  it('falls through for a directory without an index, a missing file, and other methods', async () => {
    expect((await raw(h.port, '/empty/')).body).toBe('fell through');
    expect((await raw(h.port, '/nope.txt')).body).toBe('fell through');
    expect((await raw(h.port, '/hello.txt', 'POST')).body).toBe('fell through');
    expect(h.runs.at(-1)).toMatchObject({ aborted: false });
  });

  it('serves names with spaces, percent signs and encoded-dot names literally', async () => {
    expect((await raw(h.port, '/a%20b.txt')).body).toBe('space');
    expect((await raw(h.port, '/100%25.txt')).body).toBe('percent');
    // Double encoding names the literal file "%2e%2e", never "..".
    expect((await raw(h.port, '/%252e%252e')).body).toBe('literal dots name');
  });

  it('streams a large file completely and intact', async () => {
    const res = await fetch(`${h.url}/big.bin`);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBe(BIG.length);
    expect(createHash('sha256').update(body).digest('hex')).toBe(createHash('sha256').update(BIG).digest('hex'));
  });

  it('settles the middleware when the client disconnects mid-file', async () => {
    const before = h.runs.length;
    await new Promise<void>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: h.port, path: '/big.bin', agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => {});
      req.setTimeout(10_000, () => reject(new Error('no data')));
    });
    await expect.poll(() => h.runs.length, { timeout: 5_000 }).toBe(before + 1);
    expect(h.runs.at(-1)).toMatchObject({ path: '/big.bin', aborted: true });
    // The server keeps serving.
    expect(await (await fetch(`${h.url}/hello.txt`)).text()).toBe(HELLO);
  });
});

describe('serveStatic: dotfiles', () => {
  let fall: Harness;
  let strict: Harness;
  let allow: Harness;
  let ignore: Harness;
  beforeAll(async () => {
    fall = await startHarness(serveStatic(root));
    strict = await startHarness(serveStatic(root, { fallthrough: false }));
    allow = await startHarness(serveStatic(root, { dotfiles: 'allow' }));
    ignore = await startHarness(serveStatic(root, { dotfiles: 'ignore', fallthrough: false }));
  });
  afterAll(async () => {
    await Promise.all([fall.close(), strict.close(), allow.close(), ignore.close()]);
  });

  it('denies dotfiles and dot directories by default (never served; 403 without fallthrough)', async () => {
    for (const path of ['/.env', '/.hidden/file.txt', '/%2eenv'.replace('%2eenv', '%2Eenv')]) {
      const res = await raw(fall.port, path);
      expect(res.body).not.toContain('SECRET');
      expect(res.body).not.toBe('hidden');
    }
    expect((await raw(fall.port, '/.env')).body).toBe('fell through');
    const denied = await raw(strict.port, '/.env');
    expect(denied.status).toBe(403);
    expect(denied.body).not.toContain('SECRET');
    expect((await raw(strict.port, '/.hidden/file.txt')).status).toBe(403);
  });

  it("'ignore' answers as missing, 'allow' serves", async () => {
    expect((await raw(ignore.port, '/.env')).status).toBe(404);
    expect((await raw(allow.port, '/.env')).body).toBe('SECRET=1');
  });

  it('answers 404 for missing files and 405 for other methods without fallthrough', async () => {
    expect((await raw(strict.port, '/nope.txt')).status).toBe(404);
    const post = await raw(strict.port, '/hello.txt', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });
});

describe('serveStatic: path traversal is impossible', () => {
  const attempts = [
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/secret.txt',
    '/%2e%2e%2fsecret.txt',
    '/..%2fsecret.txt',
    '/..%2Fsecret.txt',
    '/sub/../../secret.txt',
    '/sub/%2e%2e/%2e%2e/secret.txt',
    '/..\\secret.txt',
    '/..%5csecret.txt',
    '/sub\\..\\..\\secret.txt',
    '/%5c..%5c..%5csecret.txt',
    '/%252e%252e/secret.txt',
    '/%252e%252e%252fsecret.txt',
    '/%25252e%25252e/secret.txt',
    '/secret.txt%00.html',
    '/%00../secret.txt',
    '//' + 'etc/passwd',
    '/%2fetc%2fpasswd',
    '/%2F..%2Fsecret.txt',
    `/${'..%2f'.repeat(8)}etc/passwd`,
    '/.%2e/secret.txt',
    '/%c0%ae%c0%ae/secret.txt',
  ];
  let normalised: Harness;
  let decodedOnly: Harness;
  let prefixed: Harness;
  beforeAll(async () => {
    normalised = await startHarness(serveStatic(root, { fallthrough: false }));
    // A host that decodes but never resolves `..`: the module must hold by itself.
    decodedOnly = await startHarness(serveStatic(root, { fallthrough: false }), { pathMode: 'decoded-only' });
    prefixed = await startHarness(serveStatic(root, { prefix: '/static', fallthrough: false }), { pathMode: 'decoded-only' });
  });
  afterAll(async () => {
    await Promise.all([normalised.close(), decodedOnly.close(), prefixed.close()]);
  });

  it.each(attempts)('%s never reaches a file outside the root', async (attempt) => {
    for (const [harness, path] of [
      [normalised, attempt],
      [decodedOnly, attempt],
      [prefixed, '/static' + attempt],
    ] as const) {
      const res = await raw(harness.port, path);
      expect(res.body).not.toContain('TOP SECRET');
      expect(res.body).not.toContain('root:');
      expect([400, 403, 404]).toContain(res.status);
    }
  });

  it('the decoded-only host still serves ordinary files (the checks are not just refusing everything)', async () => {
    expect((await raw(decodedOnly.port, '/hello.txt')).body).toBe(HELLO);
    expect((await raw(prefixed.port, '/static/hello.txt')).body).toBe(HELLO);
  });
});

describe('serveStatic: options', () => {
  const harnesses: Harness[] = [];
  async function withOptions(opts: ServeStaticOptions, preset?: (host: TestHost) => void): Promise<Harness> {
    const h = await startHarness(serveStatic(root, opts), { preset });
    harnesses.push(h);
    return h;
  }
  afterAll(async () => {
    await Promise.all(harnesses.map((h) => h.close()));
  });

  it('strips a prefix, segment aware', async () => {
    const h = await withOptions({ prefix: '/static/' });
    expect((await raw(h.port, '/static/hello.txt')).body).toBe(HELLO);
    expect((await raw(h.port, '/STATIC/hello.txt')).body).toBe(HELLO);
    expect((await raw(h.port, '/hello.txt')).body).toBe('fell through');
    expect((await raw(h.port, '/statichello.txt')).body).toBe('fell through');
    const dirRedirect = await raw(h.port, '/static');
    expect(dirRedirect.status).toBe(301);
    expect(dirRedirect.headers.location).toBe('/static/');
    expect((await raw(h.port, '/static/')).body).toBe('<h1>root index</h1>');
  });

  it('maxAge and immutable set Cache-Control; etag/lastModified can be turned off', async () => {
    const h = await withOptions({ maxAge: '1d', immutable: true, etag: false, lastModified: false });
    const res = await fetch(`${h.url}/hello.txt`);
    expect(res.headers.get('cache-control')).toBe('public, max-age=86400, immutable');
    expect(res.headers.get('etag')).toBeNull();
    expect(res.headers.get('last-modified')).toBeNull();
  });

  it('index: false falls through for a directory; redirect: false does not redirect', async () => {
    const h = await withOptions({ index: false, redirect: false });
    expect((await raw(h.port, '/')).body).toBe('fell through');
    expect((await raw(h.port, '/sub')).body).toBe('fell through');
  });

  it('extensions are tried for extension-less paths', async () => {
    const h = await withOptions({ extensions: ['html'] });
    expect((await raw(h.port, '/page')).body).toBe('<p>page</p>');
  });

  it('setHeaders runs for served files, and builder headers set earlier are kept', async () => {
    const seen: string[] = [];
    const h = await withOptions(
      {
        setHeaders(res, path) {
          seen.push(path);
          res.setHeader('x-file', 'yes');
        },
      },
      (host) => {
        if (host.path === '/data.json') host.setHeader('content-type', 'application/vnd.custom+json');
        host.setHeader('x-earlier', 'kept');
      },
    );
    const res = await fetch(`${h.url}/data.json`);
    expect(res.headers.get('x-file')).toBe('yes');
    expect(res.headers.get('x-earlier')).toBe('kept');
    expect(res.headers.get('content-type')).toBe('application/vnd.custom+json');
    expect(seen).toEqual([join(root, 'data.json')]);
  });

  it('rejects a missing root and an unknown dotfiles value at creation', () => {
    expect(() => serveStatic('')).toThrow(expect.objectContaining({ code: 'EXW_ERR_STATIC_ROOT_REQUIRED' }));
    expect(() => serveStatic(root, { dotfiles: 'maybe' as 'deny' })).toThrow(expect.objectContaining({ code: 'EXW_ERR_STATIC_INVALID_OPTION' }));
  });
});

describe('sendFile', () => {
  let h: Harness;
  let lastError: unknown;
  beforeAll(async () => {
    h = await startHarness(async (host) => {
      const url = new URL(host.req.url!, 'http://x');
      const file = url.searchParams.get('file')!;
      const opts = JSON.parse(url.searchParams.get('opts') ?? '{}');
      try {
        await sendFile(host, file, opts);
        host.abort();
      } catch (err) {
        lastError = err;
        throw err;
      }
    });
  });
  afterAll(() => h.close());

  const get = (file: string, opts: object = {}, headers: Record<string, string> = {}) =>
    raw(h.port, `/?file=${encodeURIComponent(file)}&opts=${encodeURIComponent(JSON.stringify(opts))}`, 'GET', headers);

  it('sends an absolute path with caching headers and Range support', async () => {
    const res = await get(join(root, 'hello.txt'));
    expect(res.status).toBe(200);
    expect(res.body).toBe(HELLO);
    expect(res.headers.etag).toBeDefined();
    expect(res.headers['x-response-mw']).toBe('saw 200');
    const range = await get(join(root, 'hello.txt'), {}, { range: 'bytes=0-4' });
    expect(range.status).toBe(206);
    expect(range.body).toBe('hello');
    const notModified = await get(join(root, 'hello.txt'), {}, { 'if-none-match': res.headers.etag as string });
    expect(notModified.body).toBe('');
    expect(notModified.status).toBe(304);
  });

  it('sends a path with a percent sign in its name', async () => {
    expect((await get(join(root, '100%.txt'))).body).toBe('percent');
  });

  it('sets Content-Disposition for attachments (as res.download), with a UTF-8 fallback', async () => {
    const plain = await get(join(root, 'hello.txt'), { attachment: true });
    expect(plain.headers['content-disposition']).toBe('attachment; filename="hello.txt"');
    expect(plain.headers['content-disposition']).toBe(expressContentDisposition('hello.txt'));
    for (const name of ['résumé.txt', 'naïve €.txt', 'a"b.txt']) {
      const named = await get(join(root, 'hello.txt'), { attachment: name });
      expect(named.headers['content-disposition']).toBe(expressContentDisposition(name));
    }
    expect(expressContentDisposition('naïve €.txt')).toContain("filename*=UTF-8''");
  });

  it('applies extra headers, which win over the type from the extension', async () => {
    const res = await get(join(root, 'hello.txt'), { headers: { 'content-type': 'text/markdown', 'x-extra': '1' }, maxAge: 60_000 });
    expect(res.headers['content-type']).toBe('text/markdown');
    expect(res.headers['x-extra']).toBe('1');
    expect(res.headers['cache-control']).toBe('public, max-age=60');
  });

  it('resolves relative paths against root and refuses to leave it', async () => {
    expect((await get('hello.txt', { root })).body).toBe(HELLO);
    const escape = await get('../secret.txt', { root });
    expect(escape.body).not.toContain('TOP SECRET');
    expect(lastError).toMatchObject({ code: 'EXW_ERR_STATIC_FORBIDDEN', status: 403 });
  });

  it('throws coded errors: not absolute, missing, directory, dotfile', async () => {
    await get('hello.txt');
    expect(lastError).toMatchObject({ code: 'EXW_ERR_STATIC_PATH_NOT_ABSOLUTE' });
    const missing = await get(join(root, 'nope.txt'));
    expect(missing.body).toBe('error EXW_ERR_STATIC_NOT_FOUND 404');
    await get(join(root, 'sub'));
    expect(lastError).toMatchObject({ code: 'EXW_ERR_STATIC_NOT_FOUND', status: 404 });
    await get(join(root, '.env'));
    expect(lastError).toMatchObject({ code: 'EXW_ERR_STATIC_NOT_FOUND' });
    const allowed = await get(join(root, '.env'), { dotfiles: 'allow' });
    expect(allowed.body).toBe('SECRET=1');
  });
});

describe('through the real Server', () => {
  let running: RunningServer;
  let port: number;
  let base: string;
  beforeAll(async () => {
    const server = new Server();
    server.requestMiddleware(serveStatic(root));
    server.requestMiddleware('/assets', serveStatic(join(root, 'sub'), { prefix: '/assets', fallthrough: false }));
    server.get('/api/ping', (ctx) => ctx.json({ pong: true }));
    server.get('/download', async (ctx) => {
      await ctx.file(join(root, 'hello.txt'), { attachment: 'greeting.txt' });
    });
    server.get('/missing-file', async (ctx) => {
      await ctx.file(join(root, 'nope.txt'));
    });
    server.responseMiddleware((ctx) => {
      ctx.setHeader('x-frame-options', 'DENY');
      ctx.setHeader('x-seen-status', String(ctx.status));
    });
    running = await server.listen({ port: 0, host: '127.0.0.1' });
    port = running.port;
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(() => running.close({ timeout: 1_000 }));

  it('serves a file with response-middleware headers, and aborts the rest of the pipeline', async () => {
    const res = await fetch(`${base}/hello.txt`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(HELLO);
    expect(res.headers.get('etag')).toBeTruthy();
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-seen-status')).toBe('200');
  });

  it('lets routes answer what is not a file, and the default 404 after that', async () => {
    expect(await (await fetch(`${base}/api/ping`)).json()).toEqual({ pong: true });
    const missing = await fetch(`${base}/nope.txt`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/json');
  });

  it('answers 304, 206 and 416 through the builder', async () => {
    const etag = (await raw(port, '/hello.txt')).headers.etag as string;
    const notModified = await raw(port, '/hello.txt', 'GET', { 'if-none-match': etag });
    expect(notModified.status).toBe(304);
    expect(notModified.headers['x-seen-status']).toBe('304');
    const partial = await raw(port, '/hello.txt', 'GET', { range: 'bytes=0-4' });
    expect(partial.status).toBe(206);
    expect(partial.body).toBe('hello');
    const unsatisfiable = await raw(port, '/hello.txt', 'GET', { range: 'bytes=999-' });
    expect(unsatisfiable.status).toBe(416);
    expect(unsatisfiable.headers['x-frame-options']).toBe('DENY');
  });

  it('serves HEAD without a body and index.html for /', async () => {
    const head = await raw(port, '/hello.txt', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(await (await fetch(`${base}/`)).text()).toBe('<h1>root index</h1>');
  });

  it('path-scoped with a prefix: serves under it, 404 without fallthrough', async () => {
    expect((await raw(port, '/assets/index.html')).body).toBe('<h1>sub index</h1>');
    expect((await raw(port, '/assets/')).body).toBe('<h1>sub index</h1>');
    expect((await raw(port, '/assets/nope.txt')).status).toBe(404);
  });

  it('refuses dotfiles and every traversal attempt', async () => {
    for (const path of ['/.env', '/.hidden/file.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/..%5csecret.txt', '/%252e%252e/secret.txt', '/secret.txt%00', '/assets/..%2f..%2fsecret.txt', '/assets/%2e%2e/%2e%2e/secret.txt']) {
      const res = await raw(port, path);
      expect(res.body).not.toContain('TOP SECRET');
      expect(res.body).not.toContain('SECRET=1');
      expect([400, 403, 404]).toContain(res.status);
    }
  });

  it('ctx.file() sends a download, and a missing file becomes a coded 404', async () => {
    const res = await fetch(`${base}/download`);
    expect(await res.text()).toBe(HELLO);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="greeting.txt"');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const missing = await fetch(`${base}/missing-file`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'EXW_ERR_STATIC_NOT_FOUND' });
  });
});
