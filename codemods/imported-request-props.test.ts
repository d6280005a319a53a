/**
 * What app-level middleware from another module sets on req (`req.id`) is
 * read anywhere in the app: converted, it stays on the raw request
 * (`ctx.req.id`), where migrated handlers in every module and Express code
 * left behind a bridge read it too (transforms/request-props.ts).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { runCodemod } from './runner.js';
import { loadApp, projectTrees } from './__testfixtures__/project-tree.js';

const { tree, migratedCopy } = projectTrees('exw-reqprops-');

const lines = (...l: string[]) => `${l.join('\n')}\n`;

const FILES = {
  'app.js': lines(
    "const express = require('express');",
    "const requestId = require('./mw/request-id');",
    "const requestLog = require('./mw/request-log');",
    'const app = express();',
    'app.use(requestId);',
    'app.use(requestLog);',
    '// Stays on Express (req.socket): reads req.id from the raw request.',
    "app.use((req, res, next) => { res.set('x-seen', `${req.id}:${typeof req.socket}`); next(); });",
    "app.use('/items', require('./routes'));",
    "app.get('/log', (req, res) => { res.json(require('./mw/log-store').entries); });",
    "app.use((req, res) => { res.status(404).json({ missing: req.id }); });",
    'module.exports = app;',
  ),
  'routes.js': lines(
    "const express = require('express');",
    'const router = express.Router();',
    "router.get('/:n', (req, res) => { res.json({ n: req.params.n, id: req.id }); });",
    'module.exports = router;',
  ),
  'mw/request-id.js': lines(
    'module.exports = function requestId(req, res, next) {',
    "  req.id = req.get('x-request-id') || 'generated';",
    "  res.set('x-request-id', req.id);",
    '  next();',
    '};',
  ),
  'mw/log-store.js': lines('exports.entries = [];'),
  'mw/request-log.js': lines(
    "const { entries } = require('./log-store');",
    'module.exports = function requestLog(req, res, next) {',
    "  res.on('finish', () => { entries.push({ id: req.id, url: req.originalUrl, status: res.statusCode }); });",
    '  next();',
    '};',
  ),
};

describe('request properties set by imported app-level middleware', () => {
  it('stay on the raw request in every module: ctx.req.id', async () => {
    const dir = tree(FILES);
    await runCodemod({ paths: ['.'], cwd: dir, cpus: 1 });
    const read = (name: string) => readFileSync(join(dir, name), 'utf8');
    expect(read('mw/request-id.js')).toContain("ctx.req.id = ctx.header('x-request-id') || 'generated';");
    expect(read('mw/request-id.js')).toContain("ctx.setHeader('x-request-id', ctx.req.id);");
    expect(read('mw/request-log.js')).toContain("ctx.res.on('finish', () => { entries.push({ id: ctx.req.id, url: ctx.url, status: ctx.res.statusCode }); });");
    expect(read('routes.js')).toContain('id: ctx.req.id');
    expect(read('app.js')).toContain('app.requestMiddleware(requestId);');
    expect(read('app.js')).toContain('app.requestMiddleware(requestLog);');
    expect(read('app.js')).toContain('missing: ctx.req.id');
  });

  it('route-level middleware keeps handing its properties over on ctx.state', async () => {
    const routes = lines(
      "const express = require('express');",
      "const tag = require('./mw/tag');",
      'const router = express.Router();',
      "router.get('/:n', tag, (req, res) => { res.json({ tag: req.tag }); });",
      'module.exports = router;',
    );
    const dir = tree({ 'routes.js': routes, 'mw/tag.js': "module.exports = function tag(req, res, next) {\n  req.tag = 't';\n  next();\n};\n" });
    await runCodemod({ paths: ['.'], cwd: dir, cpus: 1 });
    expect(readFileSync(join(dir, 'mw/tag.js'), 'utf8')).toContain("ctx.state.tag = 't';");
    expect(readFileSync(join(dir, 'routes.js'), 'utf8')).toContain('tag: ctx.state.tag');
  });

  it('behaviour: ids, the log written on finish and the Express bridge agree with the original (needs dist/)', async () => {
    const { original, migrated } = await migratedCopy(FILES);
    expect(readFileSync(join(migrated, 'mw/request-id.js'), 'utf8')).toContain('ctx.req.id');
    const before = loadApp(original);
    const after = loadApp(migrated);
    const probes: Array<(app: any) => request.Test> = [
      (app) => request(app).get('/items/3').set('x-request-id', 'abc'),
      (app) => request(app).get('/items/4'),
      (app) => request(app).get('/nowhere').set('x-request-id', 'zzz'),
      (app) => request(app).get('/log'),
    ];
    for (const probe of probes) {
      const [a, b] = [await probe(before), await probe(after)];
      const seen = (r: request.Response) => ({ status: r.status, body: r.body, id: r.headers['x-request-id'], seen: r.headers['x-seen'] });
      expect(seen(b)).toEqual(seen(a));
    }
  });
});
