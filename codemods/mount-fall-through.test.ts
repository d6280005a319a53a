/**
 * A router module's route that calls next() (falls through), across modules: it becomes ctx.fallThrough()
 * when its mounter registers no route or router that could take the request and runs its later middleware in
 * order (the project pass checks the mount: project/mount-fall-through.ts), and the migrated app answers as
 * Express did; a mounter with a later router under the same path keeps the route on Express.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { loadApp, projectTrees } from './__testfixtures__/project-tree.js';

const { tree, migratedCopy } = projectTrees('exw-mount-fall-');

async function migratedPair(files: Record<string, string>) {
  const { original, migrated } = await migratedCopy(files);
  const read = (name: string) => readFileSync(join(migrated, name), 'utf8');
  return { read, before: loadApp(original), after: loadApp(migrated) };
}

const DOCS = [
  "const express = require('express');",
  'const router = express.Router();',
  "const PAGES = { intro: 'hello', faq: 'answers' };",
  "router.get('/:name', (req, res, next) => {",
  '  if (!/^[a-z]+$/.test(req.params.name)) return next();',
  '  setImmediate(() => {',
  '    const page = PAGES[req.params.name];',
  '    if (!page) return next();',
  "    res.type('text').send(page);",
  '  });',
  '});',
  'module.exports = router;',
  '',
].join('\n');

const guard = [
  'app.use((req, res, next) => {',
  "  if (req.get('x-key') !== 'k') return res.status(401).json({ error: 'no key' });",
  '  next();',
  '});',
];

function app(lines: string[]): string {
  return [
    "const express = require('express');",
    'const app = express();',
    "app.get('/health', (req, res) => { res.json({ ok: true }); });",
    "app.use('/docs', require('./routes/docs'));",
    ...lines,
    "app.use((req, res) => { res.status(404).json({ error: 'not found', path: req.originalUrl }); });",
    'module.exports = app;',
    '',
  ].join('\n');
}

const PROBES: Array<[string, Record<string, string>]> = [
  ['/docs/intro', {}], ['/docs/missing', {}], ['/docs/missing', { 'x-key': 'k' }], ['/docs/BAD', { 'x-key': 'k' }], ['/nowhere', { 'x-key': 'k' }], ['/health', {}],
];

describe('next() from a route of a router module', () => {
  it('becomes ctx.fallThrough(): the mounter runs its later middleware, then its 404 handler, as Express did', async () => {
    const files = { 'app.js': app([...guard, "app.get('/accounts', (req, res) => { res.json([]); });"]), 'routes/docs.js': DOCS };
    const { read, before, after } = await migratedPair(files);
    expect(read('routes/docs.js')).toContain('return ctx.fallThrough();');
    expect(read('routes/docs.js')).not.toContain('express.Router()');
    for (const [path, headers] of PROBES) {
      const [a, b] = [await request(before).get(path).set(headers), await request(after).get(path).set(headers)];
      expect({ path, status: b.status, body: b.text }).toEqual({ path, status: a.status, body: a.text });
    }
  });

  it('stays on Express when a later router of the mounter may take the same requests', async () => {
    const files = {
      'app.js': app([...guard, "app.use('/docs', require('./routes/more'));"]),
      'routes/docs.js': DOCS,
      'routes/more.js': "const express = require('express');\nconst router = express.Router();\nrouter.get('/missing', (req, res) => { res.json({ more: true }); });\nmodule.exports = router;\n",
    };
    const { read, before, after } = await migratedPair(files);
    expect(read('routes/docs.js')).toContain('next() in a route handler falls through to later routes');
    for (const [path, headers] of PROBES) {
      const [a, b] = [await request(before).get(path).set(headers), await request(after).get(path).set(headers)];
      expect({ path, status: b.status, body: b.text }).toEqual({ path, status: a.status, body: a.text });
    }
  });
});
