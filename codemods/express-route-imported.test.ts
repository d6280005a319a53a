/**
 * req.route marks across modules (codemods/transforms/express-route.ts): an
 * imported middleware that stays Express code and reads req.route when the
 * response finishes gets it from the native routes, as Express set it; one
 * whose module never reads it leaves the routes unmarked.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { loadApp, projectTrees } from './__testfixtures__/project-tree.js';

const { tree, migratedCopy } = projectTrees('exw-route-mark-');

async function migratedPair(files: Record<string, string>) {
  const { original, migrated, result } = await migratedCopy(files);
  return { result, app: readFileSync(join(migrated, 'app.js'), 'utf8'), before: loadApp(original), after: loadApp(migrated) };
}

const APP = (mw: string) => [
  "const express = require('express');",
  `const ${mw} = require('./middleware/${mw}');`,
  "const seen = require('./seen');",
  'const app = express();',
  `app.use(${mw});`,
  "app.get('/items/:id?', (req, res) => { res.json({ id: req.params.id ?? null }); });",
  "app.use('/admin', (req, res, next) => { if (req.get('x-admin') !== 'yes') return res.status(401).json({ error: 'admin' }); next(); });",
  "app.get('/admin/seen', (req, res) => { res.json(seen.list); });",
  'module.exports = app;',
  '',
].join('\n');

const SEEN = 'exports.list = [];\n';

describe('req.route for Express middleware from another module', () => {
  it('marks the native routes when the middleware reads req.route, with the same keys as Express', async () => {
    const { result, app, before, after } = await migratedPair({
      'app.js': APP('timing'),
      'seen.js': SEEN,
      'middleware/timing.js': [
        "const seen = require('../seen');",
        'module.exports = function timing(req, res, next) {',
        "  res.on('finish', () => { seen.list.push(`${req.method} ${req.route ? req.baseUrl + req.route.path : '(unmatched)'} ${res.statusCode}`); });",
        '  next();',
        '};',
        '',
      ].join('\n'),
    });
    expect(result.handlers.native).toBeGreaterThanOrEqual(3);
    expect(app).toContain("expressRoute('get', '/items/:id?')");
    const probes: Array<[string, Record<string, string>]> = [['/items', {}], ['/items/4', {}], ['/nowhere', {}], ['/admin/seen', {}], ['/admin/seen', { 'x-admin': 'yes' }]];
    for (const [path, headers] of probes) {
      const ask = (target: any) => request(target).get(path).set(headers);
      const [a, b] = [await ask(before), await ask(after)];
      expect({ path, status: b.status, body: b.body }).toEqual({ path, status: a.status, body: a.body });
    }
  });

  it('leaves the routes alone when the middleware module never reads req.route', async () => {
    const { app } = await migratedPair({
      'app.js': APP('logger'),
      'seen.js': SEEN,
      'middleware/logger.js': [
        "const seen = require('../seen');",
        'module.exports = function logger(req, res, next) {',
        // req.baseUrl keeps it Express code (it runs through fromExpress), without reading req.route.
        "  res.on('finish', () => { seen.list.push(`${req.method} ${req.baseUrl} ${res.statusCode}`); });",
        '  next();',
        '};',
        '',
      ].join('\n'),
    });
    expect(app).toContain('fromExpress(logger)');
    expect(app).not.toContain('expressRoute');
  });
});
