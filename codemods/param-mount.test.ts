/**
 * A router module mounted at a path with params (`router.use('/:projectId/tasks', tasks)`), across modules:
 * a mergeParams router migrates and answers as Express did, also for requests no route matches (its
 * middleware reads the mount's param); one that would see other params on the runtime stays an Express
 * router, and the mounter's runtime mount hands it to Express below the same path.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import request from 'supertest';
import { loadApp, projectTrees } from './__testfixtures__/project-tree.js';

const { tree, migratedCopy } = projectTrees('exw-param-mount-');

async function migratedPair(files: Record<string, string>) {
  const { original, migrated, result, read } = await migratedCopy(files);
  return { result, read, before: loadApp(original), after: loadApp(migrated) };
}

const APP = [
  "const express = require('express');",
  "const projects = require('./routes/projects');",
  'const app = express();',
  "app.use('/api/projects', projects);",
  "app.use((req, res) => { res.status(404).json({ error: 'Cannot ' + req.method + ' ' + req.originalUrl }); });",
  'app.use((err, req, res, next) => { res.status(err.status || 500).json({ error: err.message }); });',
  'module.exports = app;',
  '',
].join('\n');

const PROJECTS = [
  "const express = require('express');",
  "const tasks = require('./tasks');",
  'const router = express.Router();',
  "router.get('/:projectId', (req, res) => { res.json({ project: req.params.projectId }); });",
  "router.use('/:projectId/tasks', tasks);",
  // Under the mount path, answered here once the tasks router passes: its middleware ran with its own params.
  "router.get('/:id/tasks/export/all', (req, res) => { res.json({ exported: req.params.id, loaded: res.locals.project || null }); });",
  'module.exports = router;',
  '',
].join('\n');

const tasks = (options: string, taskPath = '/:taskId') => [
  "const express = require('express');",
  `const router = express.Router(${options});`,
  'function loadProject(req, res, next) {',
  "  const id = Number(req.params.projectId);",
  "  if (!Number.isInteger(id)) { const err = new Error('bad projectId'); err.status = 400; return next(err); }",
  "  if (id > 100) { const err = new Error('no project ' + id); err.status = 404; return next(err); }",
  '  res.locals.project = id;',
  '  next();',
  '}',
  'router.use(loadProject);',
  "router.get('/', (req, res) => { res.json({ project: res.locals.project, params: req.params }); });",
  `router.get('${taskPath}', (req, res) => { res.json({ project: res.locals.project, params: req.params }); });`,
  "router.delete('/:taskId', (req, res) => { res.status(204).end(); });",
  'module.exports = router;',
  '',
].join('\n');

const PROBES: Array<[string, string]> = [
  ['get', '/api/projects/7'],
  ['get', '/api/projects/7/tasks'],
  ['get', '/api/projects/7/tasks/3'],
  ['delete', '/api/projects/7/tasks/3'],
  ['get', '/api/projects/7/tasks/3/more'], // no route: Express ran loadProject with :projectId, then its 404
  ['get', '/api/projects/700/tasks/3/more'], // no route, missing project: loadProject's 404
  ['get', '/api/projects/abc/tasks/x/y'], // no route, bad id: loadProject's 400
  ['put', '/api/projects/7/tasks/3/more'], // no route for any method (a known path with another method is the runtime's 405: docs/codemod-rules.md, Known limits)
  ['get', '/api/projects/7/tasks/export/all'],
  ['get', '/api/projects/a%2Fb/tasks/1'],
  ['get', '/api/projects/7/Tasks/3'],
];

async function expectSameAnswers(before: unknown, after: unknown): Promise<void> {
  for (const [method, path] of PROBES) {
    const ask = (target: any) => (request(target) as any)[method](path);
    const [a, b] = [await ask(before), await ask(after)];
    expect({ path: `${method} ${path}`, status: b.status, body: b.body }).toEqual({ path: `${method} ${path}`, status: a.status, body: a.body });
  }
}

describe('a router module mounted at a path with params', () => {
  it('migrates a mergeParams router: its middleware reads the mount param also for requests no route matches', async () => {
    const { result, read, before, after } = await migratedPair({ 'app.js': APP, 'routes/projects.js': PROJECTS, 'routes/tasks.js': tasks('{ mergeParams: true }') });
    expect(read('routes/projects.js')).toContain("router.mount('/{projectId}/tasks', tasks)");
    expect(read('routes/tasks.js')).toContain('new Router()');
    const compat = result.files.flatMap((f) => f.entries).filter((e) => e.kind === 'compat');
    expect(compat).toEqual([]);
    await expectSameAnswers(before, after);
  });

  it('keeps a router without mergeParams on Express, mounted below the same path through mountExpressRouter', async () => {
    const { result, read, before, after } = await migratedPair({ 'app.js': APP, 'routes/projects.js': PROJECTS, 'routes/tasks.js': tasks('') });
    expect(read('routes/tasks.js')).toContain('express.Router()');
    const stays = result.files.flatMap((f) => f.entries).find((e) => e.rule === 'mounted-by-express');
    expect(stays?.reason).toMatch(/mounted at "\/:projectId\/tasks".*without mergeParams: true/);
    await expectSameAnswers(before, after);
  });

  it("keeps a router that names the mount's param again in a route path on Express", async () => {
    const { result, read, before, after } = await migratedPair({ 'app.js': APP, 'routes/projects.js': PROJECTS, 'routes/tasks.js': tasks('{ mergeParams: true }', '/:projectId') });
    expect(read('routes/tasks.js')).toContain('express.Router(');
    const stays = result.files.flatMap((f) => f.entries).find((e) => e.rule === 'mounted-by-express');
    expect(stays?.reason).toMatch(/names the mount's param projectId again/);
    await expectSameAnswers(before, after);
  });
});
