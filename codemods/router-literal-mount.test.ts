/**
 * A router module that stays an Express router, mounted at a literal path by a runtime Router (not the app),
 * across modules: the mounter's runtime mount hands it to Express below the full mount path (the router's own
 * mount path included), so its routes answer as in Express and what it does not answer reaches the app's 404.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loadApp, projectTrees } from './__testfixtures__/project-tree.js';

const { tree, migratedCopy } = projectTrees('exw-literal-mount-');
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

async function listen(app: any): Promise<string> {
  const server = createServer(app);
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function migratedPair(files: Record<string, string>) {
  const { original, migrated, result, read } = await migratedCopy(files);
  return { result, read, before: await listen(loadApp(original)), after: await listen(loadApp(migrated)) };
}

const APP = [
  "const express = require('express');",
  "const api = require('./routes/api');",
  'const app = express();',
  "app.use('/api', api);",
  "app.use((req, res) => { res.status(404).json({ error: 'not found', path: req.originalUrl }); });",
  'module.exports = app;',
  '',
].join('\n');

const API = [
  "const express = require('express');",
  "const things = require('./things');",
  'const router = express.Router();',
  "router.get('/health', (req, res) => { res.json({ ok: true }); });",
  "router.use('/things', things);",
  'module.exports = router;',
  '',
].join('\n');

// router.param has no runtime form: the router stays an Express router, its routes with it.
const THINGS = [
  "const express = require('express');",
  'const router = express.Router();',
  "router.param('id', (req, res, next, id) => { req.thing = 'thing-' + id; next(); });",
  "router.get('/', (req, res) => { res.json({ things: [], base: req.baseUrl }); });",
  "router.get('/:id', (req, res) => { res.json({ id: req.params.id, thing: req.thing, url: req.url, base: req.baseUrl }); });",
  'module.exports = router;',
  '',
];

// One route reads req.socket, which has no runtime form: the router migrates, that route stays on its legacyRouter.
const THINGS_ONE_LEGACY = THINGS.filter((line) => !line.startsWith('router.param')).map((line) => line.replace('thing: req.thing,', 'local: req.socket.localAddress,'));

const PROBES = ['/api/health', '/api/things', '/api/things/', '/api/things/7', '/api/things/7/more', '/api/nowhere', '/api/things/a%2Fb', '/api/THINGS/7'];

async function expectSameAnswers(before: string, after: string, probes: string[]): Promise<void> {
  for (const path of probes) {
    const [a, b] = await Promise.all([before, after].map(async (base) => {
      const res = await fetch(base + path);
      return { path, status: res.status, body: await res.text() };
    }));
    expect(b).toEqual(a);
  }
}

describe('a router module mounted at a literal path by a runtime Router', () => {
  it('stays an Express router: answers below the full mount path, and what it does not answer reaches the app 404', async () => {
    const { result, read, before, after } = await migratedPair({ 'app.js': APP, 'routes/api.js': API, 'routes/things.js': THINGS.join('\n') });
    expect(read('routes/api.js')).toContain("router.mount('/things', new Router().requestMiddlewareAtMount(mountExpressRouter(things)))");
    expect(read('routes/things.js')).toContain('express.Router()');
    expect(result.files.flatMap((f) => f.entries).some((e) => e.kind === 'compat')).toBe(true);
    await expectSameAnswers(before, after, PROBES);
  });

  it('migrates with one route left on Express: both answer as before', async () => {
    const { read, before, after } = await migratedPair({ 'app.js': APP, 'routes/api.js': API, 'routes/things.js': THINGS_ONE_LEGACY.join('\n') });
    expect(read('routes/things.js')).toContain('legacyRouter.get(');
    await expectSameAnswers(before, after, PROBES);
  });

  it('mounted by the app itself, an Express router still answers through fromExpress at the mount path', async () => {
    const app = APP.replace("require('./routes/api')", "require('./routes/things')").replace("app.use('/api', api)", "app.use('/api/things', api)");
    const { read, before, after } = await migratedPair({ 'app.js': app, 'routes/things.js': THINGS.join('\n') });
    expect(read('app.js')).toContain("fromExpress(api, { path: '/api/things' })");
    await expectSameAnswers(before, after, PROBES);
  });
});
