/**
 * req.route marks across modules (codemods/transforms/express-route.ts): an
 * imported middleware that stays Express code and reads req.route when the
 * response finishes gets it from the native routes, as Express set it; one
 * whose module never reads it leaves the routes unmarked.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { runCodemod } from './runner.js';

const repo = fileURLToPath(new URL('../', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'exw-route-mark-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

async function migratedPair(files: Record<string, string>) {
  const original = tree(files);
  const migrated = tree({});
  cpSync(original, migrated, { recursive: true });
  for (const dir of [original, migrated]) symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
  // One CPU: worker threads cannot load the TypeScript sources vitest runs.
  const result = await runCodemod({
    paths: ['.'], cwd: migrated, cpus: 1,
    runtimeImport: join(repo, 'dist/runtime/index.js'), compatImport: join(repo, 'dist/compat/index.js'),
  });
  const load = (dir: string) => createRequire(join(dir, 'app.js'))('./app.js');
  return { result, app: readFileSync(join(migrated, 'app.js'), 'utf8'), before: load(original), after: load(migrated) };
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
