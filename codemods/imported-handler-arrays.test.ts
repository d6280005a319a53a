/**
 * Route middleware from another module kept in a const array of the
 * registering module (`const createChecks = [requireJson, validate(schema)]`,
 * registered once): the array's elements are registered natively (the call
 * spreads the array) and converted in their own modules.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { runCodemod } from './runner.js';
import { loadApp, projectTrees } from './__testfixtures__/project-tree.js';

const { tree, migratedCopy } = projectTrees('exw-arrays-');

const lines = (...l: string[]) => `${l.join('\n')}\n`;

const FILES = {
  'app.js': lines(
    "const express = require('express');",
    'const app = express();',
    'app.use(express.json());',
    "app.use('/items', require('./routes'));",
    'app.use((err, req, res, next) => { res.status(err.status || 500).json({ error: err.message }); });',
    'module.exports = app;',
  ),
  'routes.js': lines(
    "const express = require('express');",
    "const requireJson = require('./require-json');",
    "const { validate } = require('./validate');",
    'const router = express.Router();',
    'const createChecks = [requireJson, validate(["name"])];',
    "router.post('/', createChecks, (req, res) => { res.status(201).json(req.body); });",
    "router.put('/:id', [requireJson, validate(['name', 'size'])], (req, res) => { res.json({ id: req.params.id, ...req.body }); });",
    'module.exports = router;',
  ),
  'require-json.js': lines(
    'module.exports = function requireJson(req, res, next) {',
    "  if (!req.is('application/json')) { const err = new Error('json only'); err.status = 415; return next(err); }",
    '  next();',
    '};',
  ),
  'validate.js': lines(
    'exports.validate = function validate(fields) {',
    '  return function validateMiddleware(req, res, next) {',
    '    const missing = fields.filter((f) => req.body[f] === undefined);',
    "    if (missing.length > 0) return res.status(400).json({ missing });",
    '    next();',
    '  };',
    '};',
  ),
};

describe('imported route middleware in a const array', () => {
  it('registers the elements natively: the call spreads the array, each module converts its function', async () => {
    const dir = tree(FILES);
    const result = await runCodemod({ paths: ['.'], cwd: dir, cpus: 1 });
    const read = (name: string) => readFileSync(join(dir, name), 'utf8');
    expect(read('routes.js')).toContain('const createChecks = [requireJson, validate(["name"])];');
    expect(read('routes.js')).toContain("router.post('/', ...createChecks, async (ctx) => {");
    expect(read('routes.js')).not.toContain('fromExpress');
    expect(read('require-json.js')).toContain('async function requireJson(ctx)');
    expect(read('validate.js')).toContain('return async function validateMiddleware(ctx)');
    expect(result.handlers.compat).toBe(0);
  });

  it('keeps the array on Express when it is also used elsewhere', async () => {
    const routes = FILES['routes.js'].replace('module.exports = router;', 'module.exports = router;\nmodule.exports.checks = createChecks;');
    const dir = tree({ ...FILES, 'routes.js': routes });
    await runCodemod({ paths: ['.'], cwd: dir, cpus: 1 });
    expect(readFileSync(join(dir, 'routes.js'), 'utf8')).toContain("router.post('/', fromExpress(createChecks),");
    expect(readFileSync(join(dir, 'require-json.js'), 'utf8')).toBe(FILES['require-json.js']);
  });

  it('behaviour: the migrated routes answer as the Express ones (needs dist/)', async () => {
    const { original, migrated, result } = await migratedCopy(FILES);
    expect(result.handlers.compat).toBe(0);
    const before = loadApp(original);
    const after = loadApp(migrated);
    const probes: Array<(app: any) => request.Test> = [
      (app) => request(app).post('/items').send({ name: 'a' }),
      (app) => request(app).post('/items').send({ other: 1 }),
      (app) => request(app).post('/items').set('content-type', 'text/plain').send('name=a'),
      (app) => request(app).put('/items/3').send({ name: 'a', size: 2 }),
      (app) => request(app).put('/items/3').send({ name: 'a' }),
    ];
    for (const probe of probes) {
      const [a, b] = [await probe(before), await probe(after)];
      expect({ status: b.status, body: b.body }).toEqual({ status: a.status, body: a.body });
    }
  });
});
