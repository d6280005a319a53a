/**
 * Behaviour, not text: the Express input of a fixture and its migrated
 * output answer the same requests the same way (status, body, the headers
 * that matter), each served by its own framework through supertest. Relative
 * modules the fixtures use (./db, ./cache, ...) are stubbed with async
 * callback/promise APIs, so the callback inlining is exercised for real.
 *
 * Needs the built runtime (dist/), as the migrated code imports
 * 'expressway/runtime' like a user's app does; `npm test` builds first.
 */
import { EventEmitter } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import { connect } from 'node:net';
import { Module } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = join(repo, 'codemods/transforms/__testfixtures__');

const later = (fn: () => void) => setImmediate(fn);
/** The event source of the sse-event-stream fixture: items 1 and 2 exist, later ones are emitted by the test. */
const feed = Object.assign(new EventEmitter(), {
  since: (after: number) => [{ id: 1, text: 'one' }, { id: 2, text: 'two' }].filter((item) => item.id > after),
});
const rows: Record<string, { id: number; name: string }> = { '1': { id: 1, name: 'ada' }, '2': { id: 2, name: 'bob' } };
const stubs: Record<string, unknown> = {
  './db': {
    // db.get(sql, [id], cb) or db.get(id, cb)
    get(...args: unknown[]) {
      const cb = args.at(-1) as (err: Error | null, row?: unknown) => void;
      const params = args.length === 3 ? args[1] : args[0];
      const id = String(Array.isArray(params) ? params[0] : params);
      later(() => (id === 'err' ? cb(new Error('db down')) : cb(null, rows[id])));
    },
    all(_sql: string, params: unknown[], cb: (err: Error | null, rows?: unknown[]) => void) {
      later(() => cb(null, [{ id: 10, userId: params[0], title: 'hello' }]));
    },
    run(_sql: string, _params: unknown[], cb: (this: { lastID: number }, err: Error | null) => void) {
      later(() => cb.call({ lastID: 7 }, null));
    },
    // Races against a 200 ms timer: 'slow' never answers (the timer wins), 'late' answers after the timer has.
    ping(mode: string, cb: (err: Error | null) => void) {
      if (mode === 'err') later(() => cb(new Error('db down')));
      else if (mode === 'late') setTimeout(() => cb(null), 400).unref();
      else if (mode !== 'slow') later(() => cb(null));
    },
  },
  './cache': {
    lookup(key: string, cb: (err: Error | null, hit?: unknown) => void) {
      if (key === 'slow') return;
      later(() => (key === 'err' ? cb(new Error('cache down')) : cb(null, key === 'hit' ? '<b>cached</b>' : key === 'obj' ? { cached: true } : null)));
    },
  },
  './audit': { record: () => undefined },
  './controllers/users': { list: (_req: unknown, res: { json(v: unknown): void }) => res.json([{ id: 1 }]) },
  './feed': feed,
  // param-route-merge pairs: a published post, a draft, and users by role (none for 'x', whose lookup fails).
  './posts': { find: (idOrSlug: string) => [{ id: 1, slug: 'first', draft: false }, { id: 2, slug: 'wip', draft: true }].find((p) => String(p.id) === idOrSlug || p.slug === idOrSlug) },
  './users': { get: (id: string) => ({ '1': { name: 'ada', admin: true }, '2': { name: 'bob' }, '3': { name: 'guest', guest: true } } as Record<string, object>)[id] },
  './models/user': {
    findAll: () => new Promise((resolve) => later(() => resolve(Object.values(rows)))),
    findById: (id: string) => new Promise((resolve, reject) => later(() => (id === 'err' ? reject(new Error('lookup failed')) : resolve(rows[id] ?? null)))),
  },
};

/** Loads CommonJS source as if it lived in the repo (so express and expressway resolve), with stubbed relative modules. */
function load(source: string, name: string): any {
  const filename = join(repo, 'codemods/transforms', `.equivalence-${name}`);
  const m = new Module(filename) as Module & { _compile(code: string, file: string): void; paths: string[] };
  m.filename = filename;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(join(repo, 'codemods/transforms'));
  const realRequire = m.require.bind(m);
  m.require = ((id: string) => (id in stubs ? stubs[id] : realRequire(id))) as typeof m.require;
  m._compile(source, filename);
  return m.exports;
}

interface Probe {
  method?: 'get' | 'post' | 'put' | 'delete' | 'head';
  path: string;
  body?: object;
  headers?: Record<string, string>;
  statusOnly?: boolean;
  /** Known, documented differences (docs/codemod-rules.md): fields left out of the comparison. */
  ignore?: Array<'text' | 'vary'>;
  /** Headers compared for this probe only (ETag: the runtime's own responses carry none, rendered pages do). */
  also?: string[];
  /** Asks once, then again with If-None-Match set to the ETag of the first answer (a revalidation). */
  revalidate?: boolean;
}

const HEADERS = ['access-control-allow-origin', 'content-type', 'content-disposition', 'location', 'set-cookie', 'vary', 'link', 'x-one', 'x-two', 'x-three', 'x-cache', 'x-powered', 'x-checked', 'x-started'];

async function answer(app: unknown, p: Probe) {
  let req = request(app as Parameters<typeof request>[0])[p.method ?? 'get'](p.path);
  for (const [k, v] of Object.entries(p.headers ?? {})) req = req.set(k, v);
  if (p.revalidate) {
    const first = await answer(app, { ...p, revalidate: false, also: ['etag'] });
    req = req.set('if-none-match', String((first.headers as Record<string, unknown> | undefined)?.etag ?? ''));
  }
  const res = p.body ? await req.send(p.body) : await req;
  const headers: Record<string, unknown> = {};
  for (const h of [...HEADERS, ...(p.also ?? [])]) if (res.headers[h] !== undefined && !(h === 'x-started')) headers[h] = res.headers[h];
  if (res.headers['x-started'] !== undefined) headers['x-started'] = 'present';
  // maxAge becomes an Expires date: the two servers answer a moment apart, possibly across a second.
  if (Array.isArray(headers['set-cookie'])) headers['set-cookie'] = (headers['set-cookie'] as string[]).map((c) => c.replace(/Expires=[^;]+/i, 'Expires=<date>'));
  // A charset value is case-insensitive (RFC 9110 8.3.2): Express 4's send writes UTF-8, the runtime's utf-8; the verifier reads them as one.
  if (typeof headers['content-type'] === 'string') headers['content-type'] = headers['content-type'].replace(/charset=([^;]+)/i, (_m, v: string) => `charset=${v.toLowerCase()}`);
  // Each side listens on its own ephemeral port.
  const raw = typeof res.text === 'string' ? res.text : Buffer.isBuffer(res.body) ? `base64:${res.body.toString('base64')}` : '';
  const text = raw.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT');
  if (p.ignore?.includes('vary')) delete headers.vary;
  if (p.statusOnly) return { status: res.status, headers: undefined };
  return p.ignore?.includes('text') ? { status: res.status, headers } : { status: res.status, text, headers };
}

const cases: Record<string, Probe[]> = {
  'basic-app-cjs': [{ path: '/health' }, { path: '/health/' }],
  'path-params': [{ path: '/users/7/posts/9' }, { path: '/users/7/posts', statusOnly: true }],
  'path-regex-param': [{ path: '/items/42' }, { path: '/items/abc', statusOnly: true }],
  'path-wildcard': [{ path: '/files/a/b/c.txt' }, { path: '/files/a/' }],
  // Express's "*" capture is the raw path after the prefix, decoded once: trailing and repeated slashes kept.
  'wildcard-raw-path': [
    { path: '/files/a/b.txt' }, { path: '/files/guides/' }, { path: '/files/a//b' }, { path: '/files/caf%C3%A9%2Fx' }, { path: '/files/' },
    { path: '/ASSETS/v1.0/x%20y/' }, { path: '/docs/missing/' }, { path: '/users/1/x/' }, { path: '/nested/more/a/b/' },
  ],
  'wildcard-root-star': [{ path: '/api/v2/' }, { path: '/api//x' }, { path: '/' }, { path: '/a%20b/c/' }, { path: '/x//y' }],
  'path-optional-param': [{ path: '/users' }, { path: '/users/5' }],
  'path-regex-literal': [{ path: '/api/x/y' }],
  'route-chain': [{ path: '/books' }, { method: 'post', path: '/books', body: { title: 't' } }],
  'handler-array': [{ path: '/array' }],
  'res-send-kinds': [{ path: '/html' }, { path: '/object' }, { path: '/buffer' }, { path: '/template?name=x' }],
  'res-send-with-type': [{ path: '/plain' }, { path: '/xml' }],
  'res-send-status': [{ method: 'delete', path: '/items/3' }, { path: '/forbidden' }],
  'res-end': [{ method: 'head', path: '/ping' }],
  'res-headers': [{ path: '/headers' }],
  'res-cookies': [{ method: 'post', path: '/login' }, { method: 'post', path: '/logout' }],
  'res-locals-headers-sent': [{ path: '/id', headers: { 'x-request-id': 'abc' } }],
  'return-res-json': [{ path: '/check' }, { path: '/check?token=nope' }, { path: '/check?token=secret' }],
  'next-tail-dropped': [{ path: '/' }],
  'return-next-early': [{ path: '/' }],
  'next-err-throw': [{ path: '/fail', statusOnly: true }],
  'middleware-responds-aborts': [{ path: '/secret' }, { path: '/secret', headers: { 'x-api-key': 'k' } }],
  'path-scoped-middleware': [{ path: '/admin/stats' }, { path: '/admin/stats', headers: { 'x-admin': '1' } }],
  'body-and-static': [{ method: 'post', path: '/echo', body: { a: 1 } }],
  'body-parser-package': [{ method: 'post', path: '/form', body: { a: 'b' } }],
  'error-middleware': [{ path: '/boom' }],
  // Another method on a known path reaches the app's own 404 handler, as in Express (methodNotAllowed: false).
  'not-found-trailing': [{ path: '/' }, { path: '/nowhere' }, { method: 'delete', path: '/' }, { method: 'post', path: '/' }],
  'settings-trust-proxy': [{ path: '/ip', headers: { 'x-forwarded-for': '203.0.113.9' } }],
  'local-handler-functions': [{ path: '/users' }, { path: '/users/4' }],
  'status-then-send-separate': [{ path: '/teapot' }],
  'switch-responses': [{ path: '/kind/a' }, { path: '/kind/b' }, { path: '/kind/z' }],
  'req-is-accepts': [{ method: 'post', path: '/upload', body: { a: 1 } }, { method: 'post', path: '/upload', headers: { 'content-type': 'text/plain' } }],
  'req-members': [{ path: '/inspect?q=1', headers: { 'user-agent': 'probe', 'accept-language': 'fr', cookie: 'a=b' } }],
  'callback-settimeout': [{ path: '/slow' }],
  'callback-node-style': [{ path: '/users/1' }, { path: '/users/404' }, { path: '/users/err', statusOnly: true }],
  'callback-nested': [{ path: '/users/2/posts' }, { path: '/users/404/posts' }, { path: '/users/err/posts', statusOnly: true }],
  'callback-branches': [{ path: '/cached/hit' }, { path: '/cached/obj' }, { path: '/cached/miss' }, { path: '/cached/err', statusOnly: true }],
  'callback-this': [{ method: 'post', path: '/notes', body: { text: 'x' } }],
  'promise-then-catch-next': [{ path: '/users' }],
  'promise-then-catch-handler': [{ path: '/users/1' }, { path: '/users/err' }],
  'json-then-more-code': [{ method: 'post', path: '/events', body: { e: 1 } }],
  'res-file-download': [{ path: '/report', statusOnly: true }],
  'duplicate-route': [{ path: '/users/1' }],
  // Code left on Express: served through mountExpress / fromExpressErrorHandler next to the runtime routes.
  'double-send-stays-express': [{ path: '/twice?a=1' }, { path: '/twice' }],
  'next-route-stays-express': [{ path: '/users/me' }, { path: '/users/5' }],
  'interleaved-middleware': [{ path: '/public' }, { path: '/private' }, { path: '/private', headers: { authorization: 'x' } }, { path: '/nowhere' }, { method: 'post', path: '/public' }],
  'settings-json-spaces': [{ path: '/item?q=x' }, { path: '/item/' }, { path: '/nope' }],
  'settings-views-legacy-app': [{ path: '/api/status' }, { path: '/nope' }],
  'router-legacy-route': [
    { path: '/docs' }, { path: '/docs/faq' }, { path: '/docs/faq/meta' }, { path: '/docs/missing' }, { path: '/docs/missing', headers: { 'x-key': 'k' } },
    { path: '/docs/late' }, { path: '/docs/late', headers: { 'x-key': 'k' } }, { method: 'post', path: '/docs/faq', headers: { 'x-key': 'k' } },
  ],
  'router-legacy-route-then-middleware': [
    { path: '/account/status' }, { path: '/account/feed' }, { path: '/account/me' }, { path: '/account/me', headers: { 'x-session': 's' } },
    { path: '/account/export' }, { path: '/account/export', headers: { 'x-session': 's' } }, { path: '/account/nope' }, { path: '/account/nope', headers: { 'x-session': 's' } },
  ],
  'interleaved-middleware-legacy-runs': [
    { path: '/stream' }, { path: '/public' }, { path: '/items' }, { path: '/items', headers: { authorization: 'token' } },
    { path: '/export' }, { path: '/export', headers: { authorization: 'token' } }, { path: '/nope' }, { path: '/nope', headers: { authorization: 'token' } },
    { method: 'post', path: '/stream' }, { method: 'post', path: '/stream', headers: { authorization: 'token' } },
  ],
  // Express words the redirect body by content negotiation (and adds Vary: Accept); status and Location are the contract.
  'res-redirect': [{ path: '/old', ignore: ['text', 'vary'] }, { path: '/moved', ignore: ['text', 'vary'] }, { path: '/back', headers: { referer: '/from' } }],
  'res-write-stays-express': [{ path: '/stream' }],
  'path-pattern-stays-express': [{ path: '/acd' }, { path: '/abcd' }, { path: '/ok' }],
  'legacy-route-shadowed': [{ path: '/users/7' }, { path: '/posts/3' }],
  'error-handler-stays-express': [{ path: '/boom' }],
  'error-handler-headers-sent': [{ path: '/boom' }, { path: '/nowhere' }],
  'res-on-finish': [{ path: '/teapot' }, { path: '/nowhere', statusOnly: true }, { path: '/finished?x=1' }],
  'handler-array-const': [{ method: 'post', path: '/items' }, { method: 'post', path: '/items', headers: { 'x-key': 'k' } }, { path: '/a' }, { path: '/b' }],
  'errorhandler-package': [{ path: '/boom', statusOnly: true }],
  'path-scoped-third-party': [{ path: '/api/items', headers: { origin: 'https://other.example' } }],
  // Respond-promises: the first decision wins, the losing callback changes nothing, the server keeps answering.
  'callback-race-timeout': [{ path: '/health?mode=fast' }, { path: '/health?mode=err' }, { path: '/health?mode=slow' }, { path: '/health?mode=late' }, { path: '/health?mode=fast' }],
  'callback-race-middleware': [{ path: '/page?key=hit' }, { path: '/page?key=obj' }, { path: '/page?key=miss' }, { path: '/page?key=err' }, { path: '/page?key=slow' }],
  'respond-promise-twice-stays-express': [{ path: '/users/1' }],
  'respond-promise-await-stays-express': [{ path: '/users/1' }],
  'respond-promise-work-after-next-stays-express': [{ path: '/?key=miss' }],
  'res-attachment': [{ path: '/export/7' }, { path: '/download' }],
  'res-download': [{ path: '/manifest' }, { path: '/manifest/own-name' }, { path: '/manifest/cached' }, { path: '/manifest', method: 'head' }],
  'res-attachment-computed-stays-express': [{ path: '/export?name=a.csv' }],
  // A read stream awaited until its first chunk: a missing file falls through, a directory (opens, fails on read) and a too-long name reach the error handler.
  // The directory by status only: Express's res.json in the error handler keeps the text/plain the open listener set, ctx.json sets its own.
  'sendfile-stream-open': [
    { path: '/raw/views%2Fpage.ejs' }, { method: 'head', path: '/raw/views%2Fpage.ejs' }, { path: '/raw/missing.txt' }, { path: '/raw/views', statusOnly: true }, { path: '/raw/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' },
  ],
  // res.sendFile/res.download callbacks: the error Express hands the callback (status, code, message) is what the catch sees.
  // 416 by status only: Express's res.json in the error handler keeps the Content-Type send had set, ctx.json sets its own.
  'sendfile-callback': [
    { path: '/src/views%2Fpage.ejs', also: ['cache-control', 'accept-ranges', 'content-length'] }, { path: '/src/missing.js' },
    { path: '/src/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' }, { path: '/src/views' }, { path: '/src/.env' }, { path: '/src/..%2Fequivalence.test.ts' },
    { path: '/src/res-download.input.js%2Fx' }, { path: '/src/views%2Fpage.ejs', headers: { range: 'bytes=99999-' }, statusOnly: true },
    { path: '/export/views%2Fpage.ejs' }, { path: '/export/missing.js' }, { path: '/export/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' }, { path: '/export/views' },
    { path: '/plain/views%2Fpage.ejs' }, { path: '/plain/missing.js' }, { path: '/plain/views' }, { path: '/plain/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' },
  ],
  'promise-then-two-callbacks': [{ path: '/users/1' }, { path: '/users/9' }, { path: '/users/err' }],
  'callback-in-loop': [{ path: '/batch?ids=1,2' }],
  'callback-followed-by-code': [{ path: '/race?id=1' }],
  'work-after-next-stays-express': [{ path: '/anything', statusOnly: true }],
  'res-mutation-stays-express': [{ path: '/' }],
  'req-custom-unknown-stays-express': [{ path: '/tenant' }],
  // app.param and its routes as one runtime route (param-route-merge.ts): the param's own answer, next('route') to
  // the second route, next() from the first route's last function, next('route') from the last route (fall-through),
  // errors from the callback; HEAD, other cases, a trailing slash, a malformed escape, another method.
  'param-route-merge-one-route': [{ path: '/items/3' }, { path: '/items/a%20b' }, { path: '/items/%E0%A4%A', statusOnly: true }, { method: 'post', path: '/items/3' }, { path: '/items' }],
  'param-route-merge-next-route': [
    { path: '/posts/1' }, { path: '/posts/first' }, { path: '/posts/2' }, { path: '/posts/wip?preview=secret' }, { path: '/posts/wip?preview=no' },
    { path: '/posts/nope' }, { path: '/posts/' }, { path: '/posts/1/more' }, { path: '/POSTS/First' }, { path: '/posts/first/' },
    { method: 'head', path: '/posts/1' }, { method: 'head', path: '/posts/2' }, { method: 'delete', path: '/posts/1' },
    { path: '/posts/%E0%A4%A', statusOnly: true },
  ],
  'param-route-merge-next-route-last': [
    { path: '/users/1' }, { path: '/users/2' }, { path: '/users/3' }, { path: '/users/x' }, { path: '/users/3/' }, { method: 'head', path: '/users/3' },
  ],
  // app.locals and the view settings move to the legacy app; Express code through the bridges renders with them.
  'app-locals-legacy-app': [
    { path: '/' }, { path: '/?lang=de' }, { path: '/api/status' }, { path: '/api/status?lang=de' }, { path: '/boom' }, { path: '/about' },
    { path: '/api/other' }, { path: '/api/other', headers: { 'x-key': 'k' } }, { path: '/nope' },
  ],
  // req.route as Express set it, read by bridged middleware when the response finishes (the list is the proof).
  'express-route-mark': [
    { path: '/items' }, { path: '/items/3' }, { path: '/archive/2026' }, { path: '/archive/2026/02/' }, { path: '/archive/26' }, { path: '/archive/2026/2' },
    { path: '/feed' }, { method: 'head', path: '/feed' }, { path: '/admin/seen' }, { path: '/admin/nothing', headers: { 'x-admin': 'yes' } }, { path: '/admin/seen', headers: { 'x-admin': 'yes' } },
  ],
  'handler-from-module-stays-express': [{ path: '/users' }, { path: '/health' }],
  // next() from a route: ctx.fallThrough() reaches the later middleware and the 404 handler, as Express's walk does.
  'route-next-falls-through': [
    { path: '/health' }, { path: '/users/1' }, { path: '/users/404' }, { path: '/users/abc' }, { path: '/users/err' },
    { path: '/posts/3' }, { path: '/posts/latest' }, { path: '/nowhere' },
  ],
  // An error handler and Express code but no 404 handler: unmatched requests still get Express's 404 page.
  // res.format negotiated natively (accepts), res.render through renderView: Accept variants, 406, HEAD, revalidation, render errors.
  'format-render-negotiation': [
    { path: '/posts/1', also: ['etag', 'content-length'] }, { path: '/posts/1', headers: { accept: '*/*' } },
    { path: '/posts/1', headers: { accept: 'text/html' }, also: ['etag'] }, { path: '/posts/1', headers: { accept: 'application/json' } },
    { path: '/posts/1', headers: { accept: 'text/plain' } }, { path: '/posts/1', headers: { accept: 'text/plain;q=0.5, application/json;q=0.9' } },
    { path: '/posts/1', headers: { accept: 'application/json;q=0, text/*' } }, { path: '/posts/1', headers: { accept: 'image/png' } },
    { path: '/posts/1', headers: { accept: 'image/png, text/html' }, also: ['etag'] }, { path: '/posts/1', headers: { accept: 'image/png' , 'accept-language': 'de' } },
    { method: 'head', path: '/posts/1', headers: { accept: 'text/html' }, also: ['etag', 'content-length'] },
    { path: '/posts/1', headers: { accept: 'text/html' }, revalidate: true, also: ['etag', 'content-length'] },
    { path: '/posts/1', headers: { accept: 'text/html', 'if-none-match': '*' }, also: ['etag'] },
    { path: '/posts/1?lang=de', headers: { accept: 'text/html' } }, { path: '/posts/2', headers: { accept: 'text/html' } },
    { path: '/broken', headers: { accept: 'text/html' } }, { path: '/broken', headers: { accept: 'application/json' } },
    { path: '/worse', headers: { accept: 'text/html' }, also: ['content-security-policy', 'x-content-type-options'] }, { path: '/worse', headers: { accept: 'application/json' } },
    { path: '/nowhere' }, { path: '/nowhere', headers: { accept: 'application/json' } }, { path: '/nowhere?lang=de', headers: { accept: 'text/html' }, revalidate: true, also: ['etag'] },
  ],
  'format-show-post': [
    { path: '/posts/first', headers: { accept: 'text/html' }, also: ['etag'] }, { path: '/posts/first', headers: { accept: 'application/json' } },
    { path: '/posts/first', headers: { accept: 'text/plain' } }, { path: '/posts/first', headers: { accept: 'text/csv' } }, { path: '/posts/nope' },
    { method: 'head', path: '/posts/first', also: ['etag', 'content-length'] },
  ],
  'format-show-post-destructured': [{ path: '/posts/first', headers: { accept: 'text/html' } }, { path: '/posts/first', headers: { accept: 'text/plain' } }, { path: '/posts/nope' }],
  'format-in-callback': [
    { path: '/users/1' }, { path: '/users/1', headers: { accept: 'text/plain' } }, { path: '/users/1', headers: { accept: 'image/png' } },
    { path: '/users/404', headers: { accept: 'text/plain' } }, { path: '/users/err', statusOnly: true },
  ],
  'render-etag-disabled': [{ path: '/', also: ['etag'] }, { path: '/', headers: { 'if-none-match': '*' } }],
  'error-handler-legacy-no-404': [
    { path: '/ok' }, { path: '/page', headers: { accept: 'application/json' } }, { path: '/page', headers: { accept: 'text/html' } },
    { path: '/nowhere' }, { method: 'post', path: '/ok' }, { method: 'delete', path: '/page' },
  ],
  'settings-powered-by-legacy-apps': [
    { path: '/ok', also: ['x-powered-by'] }, { path: '/padded', also: ['x-powered-by'] },
    { path: '/nowhere', also: ['x-powered-by'] }, { method: 'post', path: '/ok', also: ['x-powered-by'] },
  ],
};

describe('migrated fixtures answer like the Express originals', () => {
  beforeAll(() => {
    if (!existsSync(join(repo, 'dist/runtime/index.js'))) throw new Error('build first (npm run build): the migrated code imports expressway/runtime from dist/');
  });
  for (const [fixture, probes] of Object.entries(cases)) {
    it(fixture, async () => {
      const before = load(readFileSync(join(fixtures, `${fixture}.input.js`), 'utf8'), `${fixture}-in.cjs`);
      const after = load(readFileSync(join(fixtures, `${fixture}.output.js`), 'utf8'), `${fixture}-out.cjs`);
      expect(typeof after).toBe('function');
      for (const p of probes) {
        const [a, b] = [await answer(before, p), await answer(after, p)];
        expect({ probe: `${p.method ?? 'get'} ${p.path}`, ...b }).toEqual({ probe: `${p.method ?? 'get'} ${p.path}`, ...a });
      }
    });
  }
});

/**
 * A hand-written event stream never ends, so it is read off a raw socket:
 * the head (Date left out, header names compared case-insensitively: the
 * runtime writes them lower-case) and then the body bytes exactly as sent,
 * chunk framing included. Then an item is published and the client leaves;
 * the handler's req.on('close') must remove its listener on both sides.
 */
describe('a hand-written event stream migrates byte for byte (raw-sse.ts)', () => {
  const servers: HttpServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  async function stream(app: unknown, target: string, lastEventId?: string): Promise<string> {
    const server = createServer(app as Parameters<typeof createServer>[1]);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const socket = connect((server.address() as { port: number }).port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => { received += chunk.toString('latin1'); });
    const until = async (text: string) => { while (!received.includes(text)) await new Promise((r) => setTimeout(r, 5)); };
    socket.write(`GET ${target} HTTP/1.1\r\nHost: test\r\n${lastEventId ? `Last-Event-ID: ${lastEventId}\r\n` : ''}\r\n`);
    await until('retry: 2000');
    feed.emit('item', { id: 3, text: 'three' });
    await until('three');
    socket.destroy();
    while (feed.listenerCount('item') > 0) await new Promise((r) => setTimeout(r, 5));
    server.close();
    const [head, body] = received.split('\r\n\r\n', 2) as [string, string];
    const lines = head.split('\r\n').filter((l) => !/^date:/i.test(l)).map((l) => l.replace(/^[^:]+:/, (name) => name.toLowerCase()));
    return [...lines, '', body].join('\n');
  }

  for (const [target, lastEventId] of [['/events', undefined], ['/events?since=1', undefined], ['/events', '0']] as const) {
    it(`GET ${target}${lastEventId ? ` with Last-Event-ID ${lastEventId}` : ''}`, async () => {
      const before = load(readFileSync(join(fixtures, 'sse-event-stream.input.js'), 'utf8'), 'sse-in.cjs');
      const after = load(readFileSync(join(fixtures, 'sse-event-stream.output.js'), 'utf8'), 'sse-out.cjs');
      const expected = await stream(before, target, lastEventId);
      expect(expected).toContain('text/event-stream; charset=utf-8');
      expect(await stream(after, target, lastEventId)).toBe(expected);
    });
  }
});
