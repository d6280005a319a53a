import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { runCodemod } from './runner.js';
import { loadApp, projectTrees } from './__testfixtures__/project-tree.js';

const { tree, migratedCopy } = projectTrees('exw-imported-');

async function migrate(dir: string) {
  // One CPU: worker threads cannot load the TypeScript sources vitest runs.
  const result = await runCodemod({ paths: ['.'], cwd: dir, cpus: 1 });
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return { result, read };
}

const ESM_MIDDLEWARE = [
  'export function loadUser(req, res, next) {',
  "  res.locals.user = req.get('x-user') ?? null;",
  '  next();',
  '}',
  '',
  'export function requireAuth(req, res, next) {',
  "  if (!res.locals.user) return res.status(401).json({ error: 'authentication required' });",
  '  next();',
  '}',
  '',
  'export function requireRole(role) {',
  '  return function requireRoleMiddleware(req, res, next) {',
  '    if (res.locals.user !== role) return res.status(403).json({ error: role });',
  '    next();',
  '  };',
  '}',
  '',
].join('\n');

const ESM_APP = [
  "import express from 'express';",
  "import { loadUser } from './middleware/auth.js';",
  "import admin from './routes/admin.js';",
  'const app = express();',
  'app.use(loadUser);',
  "app.use('/admin', admin);",
  'export default app;',
  '',
].join('\n');

const ESM_ADMIN = [
  "import express from 'express';",
  "import { requireAuth, requireRole } from '../middleware/auth.js';",
  'const router = express.Router();',
  "router.use(requireAuth, requireRole('admin'));",
  "router.get('/', (req, res) => { res.json({ user: res.locals.user }); });",
  'export default router;',
  '',
].join('\n');

describe('handlers defined in other modules', () => {
  it('ESM: middleware, a middleware factory and the router that registers them all migrate natively, in agreement', async () => {
    const dir = tree({ 'app.js': ESM_APP, 'routes/admin.js': ESM_ADMIN, 'middleware/auth.js': ESM_MIDDLEWARE });
    const { result, read } = await migrate(dir);
    const auth = read('middleware/auth.js');
    expect(auth).toContain('export async function loadUser(ctx)');
    expect(auth).toContain('export async function requireAuth(ctx)');
    // The factory keeps its signature; the function it returns is the runtime middleware.
    expect(auth).toContain('export function requireRole(role)');
    expect(auth).toContain('return async function requireRoleMiddleware(ctx)');
    expect(read('routes/admin.js')).toContain("router.requestMiddleware(requireRole('admin'))");
    expect(read('app.js')).toContain('app.requestMiddleware(loadUser)');
    expect(read('routes/admin.js')).not.toContain('fromExpress');
    expect(read('app.js')).not.toContain('fromExpress(loadUser');
    expect(result.handlers.compat).toBe(0);
    const rules = result.files.flatMap((f) => f.entries.map((e) => e.rule));
    expect(rules.filter((r) => r === 'imported-handler-definition')).toHaveLength(3);
  });

  it('CommonJS: destructured requires, member access on a required module and a default export', async () => {
    const dir = tree({
      'app.js': [
        "const express = require('express');",
        "const { requireAuth } = require('./middleware/auth');",
        "const users = require('./controllers/users');",
        "const ping = require('./controllers/ping');",
        'const app = express();',
        "app.get('/users', requireAuth, users.list);",
        "app.get('/ping', ping);",
        'module.exports = app;',
        '',
      ].join('\n'),
      'middleware/auth.js': "exports.requireAuth = function (req, res, next) {\n  if (!req.get('authorization')) return res.sendStatus(401);\n  next();\n};\n",
      'controllers/users.js': "function list(req, res) {\n  res.json([{ id: 1 }]);\n}\nmodule.exports = { list };\n",
      'controllers/ping.js': "module.exports = function ping(req, res) {\n  res.send('pong');\n};\n",
    });
    const { result, read } = await migrate(dir);
    expect(read('app.js')).toContain("app.get('/users', requireAuth, users.list)");
    expect(read('app.js')).toContain("app.get('/ping', ping)");
    expect(read('app.js')).not.toContain('legacyApp.get');
    expect(read('middleware/auth.js')).toContain('exports.requireAuth = async function(ctx)');
    expect(read('controllers/users.js')).toContain('async function list(ctx)');
    expect(read('controllers/ping.js')).toContain('module.exports = async function ping(ctx)');
    expect(result.handlers).toEqual({ native: 3, compat: 0 });
  });

  it('TypeScript: Express types give way to Context, the express import goes when nothing uses it', async () => {
    const dir = tree({
      'app.ts': "import express from 'express';\nimport { audit } from './audit.js';\nconst app = express();\napp.use(audit);\napp.get('/', (req, res) => { res.json({ ok: true }); });\nexport default app;\n",
      'audit.ts': "import type { Request, Response, NextFunction } from 'express';\n\nexport function audit(req: Request, res: Response, next: NextFunction): void {\n  res.set('x-audited', 'yes');\n  next();\n}\n",
    });
    const { read } = await migrate(dir);
    const audit = read('audit.ts');
    expect(audit).toContain('export async function audit(ctx: Context)');
    expect(audit).toContain("import type { Context } from 'expressway/runtime';");
    expect(audit).not.toContain("from 'express'");
    expect(read('app.ts')).toContain('app.requestMiddleware(audit)');
  });

  it('keeps a function on Express when another module also calls it directly', async () => {
    const dir = tree({
      'app.js': ESM_APP,
      'routes/admin.js': ESM_ADMIN,
      'middleware/auth.js': ESM_MIDDLEWARE,
      'lib/guard.js': "import { requireAuth } from '../middleware/auth.js';\nexport const check = (req, res, next) => requireAuth(req, res, next);\n",
    });
    const { read, result } = await migrate(dir);
    // Every function of a module someone else imports stays: it may be called with (req, res, next).
    expect(read('middleware/auth.js')).toBe(ESM_MIDDLEWARE);
    expect(read('routes/admin.js')).toContain('fromExpress(requireAuth)');
    expect(read('app.js')).toContain('fromExpress(loadUser)');
    expect(result.files.flatMap((f) => f.entries).some((e) => e.rule === 'imported-handler-definition')).toBe(false);
    // They are the app's own middleware: counted as left on compat, not as a package's.
    const imported = result.files.flatMap((f) => f.entries).filter((e) => e.rule === 'imported-middleware').map((e) => e.handler);
    expect(imported.sort()).toEqual(['loadUser', 'requireAuth', "requireRole('admin')"]);
    expect(result.handlers.compat).toBe(3);
  });

  it('sees another importer that names the defining module only by its directory (index.js)', async () => {
    const viaIndex = (text: string) => text.replace('/middleware/auth.js', '/middleware/index.js');
    const dir = tree({
      'app.js': viaIndex(ESM_APP),
      'routes/admin.js': viaIndex(ESM_ADMIN),
      'middleware/index.js': ESM_MIDDLEWARE,
      // Imports middleware/index.js without the word "index" anywhere in its text.
      'lib/guard.js': "import { requireAuth } from '../middleware';\nexport const check = (req, res, next) => requireAuth(req, res, next);\n",
    });
    const { read } = await migrate(dir);
    expect(read('middleware/index.js')).toBe(ESM_MIDDLEWARE);
    expect(read('routes/admin.js')).toContain('fromExpress(requireAuth)');
  });

  it('keeps a function on Express when its own module or the registering module uses it otherwise', async () => {
    const own = ESM_MIDDLEWARE + 'export const both = (req, res, next) => requireAuth(req, res, next);\n';
    const dir = tree({ 'app.js': ESM_APP, 'routes/admin.js': ESM_ADMIN.replace('export default router;', 'export const direct = requireRole;\nexport default router;'), 'middleware/auth.js': own });
    const { read } = await migrate(dir);
    const auth = read('middleware/auth.js');
    expect(auth).toContain('export function requireAuth(req, res, next)');
    expect(auth).toContain('return function requireRoleMiddleware(req, res, next)');
    // loadUser is used only by app.js's registration: it still moves.
    expect(auth).toContain('export async function loadUser(ctx)');
    expect(read('routes/admin.js')).toContain('fromExpress(requireAuth)');
  });

  it('keeps the definition on Express when a registration of it stays on Express, in every module', async () => {
    const dir = tree({
      'app.js': [
        "const express = require('express');",
        "const { requireAuth } = require('./auth');",
        "const stream = require('./stream');",
        'const app = express();',
        "app.get('/a', requireAuth, (req, res) => { res.json({ a: 1 }); });",
        'module.exports = app;',
        '',
      ].join('\n'),
      'stream.js': [
        "const express = require('express');",
        "const { requireAuth } = require('./auth');",
        'const router = express.Router();',
        // req.on('close') has no runtime counterpart: this route, and so the router, stays on Express.
        "router.get('/', requireAuth, (req, res) => { req.on('close', () => {}); res.write('x'); });",
        'module.exports = router;',
        '',
      ].join('\n'),
      'auth.js': "exports.requireAuth = (req, res, next) => {\n  if (!req.get('authorization')) return res.sendStatus(401);\n  next();\n};\n",
    });
    const before = readFileSync(join(dir, 'auth.js'), 'utf8');
    const { read } = await migrate(dir);
    expect(read('auth.js')).toBe(before);
    expect(read('app.js')).toContain("app.get('/a', fromExpress(requireAuth),");
  });

  it('route middleware that sets req.account hands it to the migrated handler after it; at app level it stays on the raw request', async () => {
    const loadAccount = "module.exports = function loadAccount(req, res, next) {\n  req.account = { id: req.params.id };\n  next();\n};\n";
    const routes = [
      "const express = require('express');",
      "const loadAccount = require('./load-account');",
      'const router = express.Router();',
      "router.get('/:id', loadAccount, (req, res) => { res.json(req.account); });",
      'module.exports = router;',
      '',
    ].join('\n');
    const dir = tree({ 'routes.js': routes, 'load-account.js': loadAccount });
    const { read } = await migrate(dir);
    expect(read('load-account.js')).toContain('ctx.state.account = { id: ctx.params.id }');
    expect(read('routes.js')).toContain("router.get('/{id}', loadAccount, async (ctx) => {");
    expect(read('routes.js')).toContain('ctx.json(ctx.state.account)');

    const appLevel = tree({
      'app.js': "const express = require('express');\nconst loadAccount = require('./load-account');\nconst app = express();\napp.use(loadAccount);\napp.get('/', (req, res) => { res.json(req.account); });\nmodule.exports = app;\n",
      'load-account.js': loadAccount,
    });
    const second = await migrate(appLevel);
    // At app level its readers are anywhere: the property stays on the raw request (imported-request-props.test.ts).
    expect(second.read('load-account.js')).toContain('ctx.req.account = { id: ctx.params.id }');
    expect(second.read('app.js')).toContain('app.requestMiddleware(loadAccount);');
    expect(second.read('app.js')).toContain('ctx.json(ctx.req.account)');
  });

  it('behaviour: the migrated modules answer as the Express ones did (needs the built runtime in dist/)', async () => {
    const files = {
      'app.js': [
        "const express = require('express');",
        "const { loadUser } = require('./mw');",
        'const app = express();',
        'app.use(loadUser);',
        "app.get('/', (req, res) => { res.json({ user: res.locals.user ?? null }); });",
        "app.use('/admin', require('./admin'));",
        'module.exports = app;',
        '',
      ].join('\n'),
      'admin.js': [
        "const express = require('express');",
        "const mw = require('./mw');",
        'const router = express.Router();',
        "router.use(mw.requireAuth, mw.requireRole('admin'));",
        "router.get('/:id', mw.loadAccount, (req, res) => { res.json({ account: req.account, by: res.locals.user }); });",
        'module.exports = router;',
        '',
      ].join('\n'),
      'mw.js': [
        "exports.loadUser = function (req, res, next) { res.locals.user = req.get('x-user'); next(); };",
        "exports.requireAuth = function (req, res, next) { if (!res.locals.user) return res.status(401).json({ error: 'login' }); next(); };",
        'exports.requireRole = function (role) {',
        "  return function (req, res, next) { if (res.locals.user !== role) return res.status(403).json({ error: role }); next(); };",
        '};',
        "exports.loadAccount = function (req, res, next) { req.account = { id: req.params.id }; next(); };",
        '',
      ].join('\n'),
    };
    const { original, migrated, result } = await migratedCopy(files);
    expect(result.handlers).toEqual({ native: 6, compat: 0 });
    expect(readFileSync(join(migrated, 'admin.js'), 'utf8')).not.toContain('fromExpress(mw.');
    const before = loadApp(original);
    const after = loadApp(migrated);
    const probes: Array<[string, string | null]> = [['/', null], ['/', 'ada'], ['/admin/7', null], ['/admin/7', 'ada'], ['/admin/7', 'admin'], ['/nowhere', 'admin']];
    for (const [path, user] of probes) {
      const ask = (app: any) => (user ? request(app).get(path).set('x-user', user) : request(app).get(path));
      const [a, b] = [await ask(before), await ask(after)];
      expect({ path, user, status: b.status, body: b.body }).toEqual({ path, user, status: a.status, body: a.body });
    }
  });
});
