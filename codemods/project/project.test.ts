import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runProjectPass, type HandlerHint } from './index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'exw-project-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

async function hintsFor(dir: string, seeds: string[], others: string[] = []) {
  const hints = await runProjectPass({
    seeds: seeds.map((s) => ({ file: join(dir, s), text: readFileSync(join(dir, s), 'utf8') })),
    others: others.map((o) => join(dir, o)),
  });
  const rel = (f: string) => f.slice(dir.length + 1);
  const handlers = [...hints.handlers.values()].flat()
    .map((h: HandlerHint) => ({ ...h, file: rel(h.file), from: { ...h.from, file: rel(h.from.file) } }))
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { hints, handlers, files: [...hints.files].map(rel).sort() };
}

describe('project pass: handlers passed by reference', () => {
  it('follows CommonJS requires to exports.x, module.exports.x and module.exports = { ... }', async () => {
    const dir = tree({
      'app.js': [
        "const express = require('express');",
        "const users = require('./controllers/users');",
        "const { create } = require('./controllers/users');",
        "const posts = require('./controllers/posts');",
        'const app = express();',
        "app.get('/users', users.list);",
        "app.post('/users', create);",
        "app.get('/posts', posts.index);",
        "app.use(require('./middleware/errors'));",
        'module.exports = app;',
      ].join('\n'),
      'controllers/users.js': 'async function list(req, res) { res.json([]); }\nexports.create = function (req, res) { res.end(); };\nmodule.exports.list = list;\n',
      'controllers/posts.js': 'function index(req, res) {}\nconst helper = 1;\nmodule.exports = { index, helper };\n',
      'middleware/errors.js': 'module.exports = function onError(err, req, res, next) { res.status(500).end(); };\n',
    });
    const { handlers, files } = await hintsFor(dir, ['app.js']);
    expect(handlers.map(({ kind, file, name, exportName, line, column }) => ({ kind, file, name, exportName, line, column }))).toEqual([
      { kind: 'handler', file: 'controllers/posts.js', name: 'index', exportName: 'index', line: 1, column: 0 },
      { kind: 'handler', file: 'controllers/users.js', name: 'list', exportName: 'list', line: 1, column: 0 },
      { kind: 'handler', file: 'controllers/users.js', name: 'create', exportName: 'create', line: 2, column: 17 },
      { kind: 'error-handler', file: 'middleware/errors.js', name: 'onError', exportName: 'default', line: 1, column: 17 },
    ]);
    expect(handlers[1].from).toEqual({ file: 'app.js', line: 6, ref: 'users.list' });
    expect(files).toEqual(['app.js', 'controllers/posts.js', 'controllers/users.js', 'middleware/errors.js']);
  });

  it('follows ESM and TypeScript imports, re-exports and default exports', async () => {
    const dir = tree({
      'src/app.ts': [
        "import express, { Router } from 'express';",
        "import * as orders from './handlers/index.js';",
        "import show from './handlers/show.js';",
        'const router = Router();',
        "router.get('/orders', orders.listOrders);",
        "router.get('/orders/:id', show);",
        'export const app = express();',
        "app.use('/api', router);",
      ].join('\n'),
      'src/handlers/index.ts': "export { listOrders } from './list.js';\n",
      'src/handlers/list.ts': "import type { Request, Response } from 'express';\nexport const listOrders = async (req: Request, res: Response) => { res.json([]); };\n",
      'src/handlers/show.ts': 'export default function show(req: any, res: any) { res.json({}); }\n',
    });
    const { handlers } = await hintsFor(dir, ['src/app.ts']);
    expect(handlers.map(({ kind, file, name, exportName, line }) => ({ kind, file, name, exportName, line }))).toEqual([
      { kind: 'handler', file: 'src/handlers/list.ts', name: 'listOrders', exportName: 'listOrders', line: 2 },
      { kind: 'handler', file: 'src/handlers/show.ts', name: 'show', exportName: 'default', line: 1 },
    ]);
  });

  it('does not hint arguments of objects that are not Express (negative)', async () => {
    const dir = tree({
      'app.js': [
        "const express = require('express');",
        "const cache = require('./cache');",
        "const handlers = require('./handlers');",
        'const app = express();',
        "cache.get('/', handlers.list);", // cache is not an Express app
        'function wire(app) {',
        "  app.get('/', handlers.list);", // this app is a parameter nobody proved is Express: it shadows the outer one
        '}',
        'module.exports = app;',
      ].join('\n'),
      'cache.js': 'exports.get = (k, fn) => fn;\n',
      'handlers.js': 'exports.list = (req, res) => res.end();\n',
    });
    const { handlers } = await hintsFor(dir, ['app.js']);
    expect(handlers).toEqual([]);
  });
});

describe('project pass: routers across files', () => {
  it('marks mounted routers and route modules that receive the router, and walks them in turn', async () => {
    const dir = tree({
      'app.js': [
        "const express = require('express');",
        'const app = express();',
        "const api = express.Router();",
        "require('./routes')(api);",
        "app.use('/api', api);",
        "app.use('/admin', require('./admin'));",
        'module.exports = app;',
      ].join('\n'),
      'routes/index.js': "const users = require('./users');\nmodule.exports = (router) => {\n  users.register(router);\n};\n",
      'routes/users.js': "const ctrl = require('../controllers/users');\nexports.register = function register(r) {\n  r.get('/users', ctrl.list);\n};\n",
      'controllers/users.js': 'exports.list = (req, res) => res.json([]);\n',
      'admin.js': "const { Router } = require('express');\nconst admin = Router();\nadmin.get('/', require('./controllers/users').list);\nmodule.exports = admin;\n",
    });
    const { handlers, files } = await hintsFor(dir, ['app.js', 'admin.js']);
    expect(handlers.map(({ kind, file, name, line, param, receiver }) => ({ kind, file, name, line, param, receiver }))).toEqual([
      { kind: 'router', file: 'admin.js', name: 'admin', line: 2, param: undefined, receiver: undefined },
      // One hint per registration: routes/users.js and admin.js both register it.
      { kind: 'handler', file: 'controllers/users.js', name: 'list', line: 1, param: undefined, receiver: undefined },
      { kind: 'handler', file: 'controllers/users.js', name: 'list', line: 1, param: undefined, receiver: undefined },
      { kind: 'router-param', file: 'routes/index.js', name: null, line: 2, param: 0, receiver: 'router' },
      { kind: 'router-param', file: 'routes/users.js', name: 'register', line: 2, param: 0, receiver: 'router' },
    ]);
    expect(files).toEqual(['admin.js', 'app.js', 'controllers/users.js', 'routes/index.js', 'routes/users.js']);
  });

  it('hints middleware factories and says how each registration runs the function', async () => {
    const dir = tree({
      'app.mjs': [
        "import express from 'express';",
        "import { guard, audit, show, notAFactory } from './mw.mjs';",
        'const app = express();',
        'const router = express.Router();',
        "app.use(audit);",
        "router.get('/:id', guard('admin'), [audit], show);",
        "app.use('/api', router);",
        "app.get('/x', notAFactory(1));",
      ].join('\n'),
      'mw.mjs': [
        'export function guard(role) {',
        '  return (req, res, next) => next();',
        '}',
        'export const audit = (req, res, next) => next();',
        'export function show(req, res) { res.end(); }',
        'export function notAFactory(n) { return n > 0 ? null : 1; }',
      ].join('\n'),
    });
    const { handlers } = await hintsFor(dir, ['app.mjs']);
    expect(handlers.map(({ name, factory, role, relativeUrl, from }) => ({ name, factory, role, relativeUrl, ref: from.ref, line: from.line }))).toEqual([
      { name: 'guard', factory: true, role: 'middleware', relativeUrl: true, ref: 'guard', line: 6 },
      { name: 'audit', factory: undefined, role: 'middleware', relativeUrl: false, ref: 'audit', line: 5 },
      { name: 'audit', factory: undefined, role: 'middleware', relativeUrl: true, ref: 'audit', line: 6 },
      { name: 'show', factory: undefined, role: 'route', relativeUrl: true, ref: 'show', line: 6 },
    ]);
  });

  it('treats TypeScript parameters typed as Express receivers as proven', async () => {
    const dir = tree({
      'server.ts': "import type { Express } from 'express';\nimport { health } from './health.js';\nexport function mount(app: Express) {\n  app.get('/health', health);\n}\n",
      'health.ts': 'export function health(req: unknown, res: { end(): void }) { res.end(); }\n',
    });
    const { handlers } = await hintsFor(dir, ['server.ts']);
    expect(handlers.map((h) => [h.kind, h.file, h.name])).toEqual([['handler', 'health.ts', 'health']]);
  });
});

describe('project pass: Express types across files', () => {
  it('traces local aliases and re-exports of Request/Response/NextFunction', async () => {
    const dir = tree({
      'types.ts': "import type { Request, NextFunction } from 'express';\nexport type { Response } from 'express';\nexport type Req = Request;\nexport type Next = NextFunction;\n",
      'handler.ts': "import type { Req, Response, Next } from './types.js';\nimport { helper } from './util.js';\nexport const h = (req: Req, res: Response, next: Next) => helper(next);\n",
      'util.ts': 'export const helper = (x: unknown) => x;\n',
    });
    const { hints } = await hintsFor(dir, ['types.ts'], ['handler.ts', 'util.ts']);
    const types = [...hints.types.values()].flat().map((t) => [t.file.slice(dir.length + 1), t.localName, t.expressType, t.line]);
    expect(types.sort()).toEqual([
      ['handler.ts', 'Next', 'NextFunction', 1],
      ['handler.ts', 'Req', 'Request', 1],
      ['handler.ts', 'Response', 'Response', 1],
    ]);
    expect(hints.files.has(join(dir, 'handler.ts'))).toBe(true);
    expect(hints.files.has(join(dir, 'util.ts'))).toBe(false);
  });
});
