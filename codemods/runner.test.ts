import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCodemod, type RunOptions } from './runner.js';
import { buildReport } from './report.js';
import { renderSummary } from './summary.js';
import { renderDiff } from './show-changes.js';

const TRANSFORM = fileURLToPath(new URL('./__testfixtures__/runner/send-to-json.mjs', import.meta.url));
const ROUTE = "const express = require('express');\nconst app = express();\napp.get('/', (req, res) => { res.send({ ok: true }); });\nmodule.exports = app;\n";
const MIGRATED = ROUTE.replace('res.send(', 'res.json(');

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'exw-runner-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

function run(dir: string, extra: Partial<RunOptions> = {}) {
  return runCodemod({ paths: ['.'], cwd: dir, cpus: 1, transform: TRANSFORM, ...extra });
}

const statusOf = (result: Awaited<ReturnType<typeof run>>, dir: string) =>
  Object.fromEntries(result.files.map((f) => [f.file.slice(dir.length + 1), f.reason ? `${f.status}:${f.reason}` : f.status]));

describe('runCodemod', () => {
  it('rewrites Express files, leaves the rest unparsed, and reports totals', async () => {
    const dir = tree({ 'app.js': ROUTE, 'util.js': 'exports.add = (a, b) => a + b;\n' });
    const result = await run(dir);
    expect(readFileSync(join(dir, 'app.js'), 'utf8')).toBe(MIGRATED);
    expect(statusOf(result, dir)).toEqual({ 'app.js': 'changed', 'util.js': 'skipped:no-express' });
    expect(result.totals).toEqual({ files: 2, changed: 1, unchanged: 0, skipped: 1, failed: 0 });
    expect(result.handlers).toEqual({ native: 1, compat: 0 });
    expect(result.exitCode).toBe(0);
  });

  it('--dry computes the change but writes nothing', async () => {
    const dir = tree({ 'app.js': ROUTE });
    const result = await run(dir, { dry: true, keepText: true });
    expect(readFileSync(join(dir, 'app.js'), 'utf8')).toBe(ROUTE);
    expect(result.files[0]).toMatchObject({ status: 'changed', before: ROUTE, after: MIGRATED });
    expect(renderDiff(result.files[0], 'app.js', false)).toContain("-app.get('/', (req, res) => { res.send({ ok: true }); });");
  });

  it('reports a file that fails to parse with its line and leaves it untouched', async () => {
    const broken = "const express = require('express');\n\nconst x = ;\n";
    const dir = tree({ 'bad.js': broken, 'app.js': ROUTE });
    const result = await run(dir);
    const bad = result.files.find((f) => f.file.endsWith('bad.js'))!;
    expect(bad.status).toBe('failed');
    expect(bad.error?.line).toBe(3);
    expect(readFileSync(join(dir, 'bad.js'), 'utf8')).toBe(broken);
    expect(readFileSync(join(dir, 'app.js'), 'utf8')).toBe(MIGRATED);
    expect(result.exitCode).toBe(1);
    expect(renderSummary(result)).toMatch(/bad\.js:3/);
  });

  it('keeps CRLF line endings and a BOM', async () => {
    const crlf = ROUTE.replace(/\n/g, '\r\n');
    const dir = tree({ 'crlf.js': crlf, 'bom.js': '\uFEFF' + ROUTE });
    await run(dir);
    expect(readFileSync(join(dir, 'crlf.js'), 'utf8')).toBe(MIGRATED.replace(/\n/g, '\r\n'));
    expect(readFileSync(join(dir, 'bom.js'), 'utf8')).toBe('\uFEFF' + MIGRATED);
  });

  it('skips symlinks and binaries', async () => {
    const dir = tree({ 'app.js': ROUTE, 'blob.js': Buffer.from([0x65, 0x78, 0x70, 0x72, 0x65, 0x73, 0x73, 0x00, 0x01]) });
    symlinkSync(join(dir, 'app.js'), join(dir, 'link.js'));
    const result = await run(dir);
    expect(statusOf(result, dir)).toEqual({ 'app.js': 'changed', 'blob.js': 'skipped:binary', 'link.js': 'skipped:symlink' });
  });

  it('skips node_modules, dist, build and .d.ts by default, honours .gitignore and --ignore-pattern', async () => {
    const dir = tree({
      'src/app.js': ROUTE,
      'node_modules/x/index.js': ROUTE,
      'dist/app.js': ROUTE,
      'build/app.js': ROUTE,
      'src/types.d.ts': "import express from 'express';\n",
      '.gitignore': 'generated/\n',
      'generated/app.js': ROUTE,
      'src/legacy/old.js': ROUTE,
      'src/.gitignore': 'skipme.js\n',
      'src/skipme.js': ROUTE,
    });
    const result = await run(dir, { ignorePatterns: ['legacy/'] });
    expect(result.files.map((f) => f.file.slice(dir.length + 1))).toEqual(['src/app.js']);
    const all = await run(dir, { gitignore: false, dry: true });
    expect(all.files.map((f) => f.file.slice(dir.length + 1)).sort()).toEqual(['generated/app.js', 'src/app.js', 'src/legacy/old.js', 'src/skipme.js']);
  });

  it('writes atomically: no temp files left, file mode kept', async () => {
    const dir = tree({ 'app.js': ROUTE });
    chmodSync(join(dir, 'app.js'), 0o751);
    await run(dir);
    expect(readdirSync(dir)).toEqual(['app.js']);
    expect(statSync(join(dir, 'app.js')).mode & 0o777).toBe(0o751);
  });

  it('a second run changes nothing', async () => {
    const dir = tree({ 'app.js': ROUTE, 'crlf.js': ROUTE.replace(/\n/g, '\r\n') });
    await run(dir);
    const after = readFileSync(join(dir, 'crlf.js'));
    const second = await run(dir);
    expect(second.totals.changed).toBe(0);
    expect(second.totals.unchanged).toBe(2);
    expect(readFileSync(join(dir, 'crlf.js'))).toEqual(after);
  });

  it('processes a route module that never names express when the project pass says it belongs to the app', async () => {
    const dir = tree({
      'app.js': "const express = require('express');\nconst router = express.Router();\nrequire('./routes/users')(router);\nconst app = express();\napp.use('/users', router);\nmodule.exports = app;\n",
      'routes/users.js': "module.exports = function (router) {\n  router.get('/', (req, res) => { res.send({ users: [] }); });\n};\n",
      'lib/math.js': 'exports.add = (a, b) => a + b;\n',
    });
    const result = await run(dir);
    expect(statusOf(result, dir)).toEqual({ 'app.js': 'unchanged', 'lib/math.js': 'skipped:no-express', 'routes/users.js': 'changed' });
    expect(readFileSync(join(dir, 'routes/users.js'), 'utf8')).toContain('res.json({ users: [] })');
    expect(readFileSync(join(dir, 'routes/users.js'), 'utf8')).toContain('// hinted: router-param:default@1#0');
    expect(result.projectPass).toEqual({ ran: true, addedFiles: 1, hints: 1 });
    // Without the project pass the prefilter alone skips it.
    const dir2 = tree({ 'app.js': readFileSync(join(dir, 'app.js'), 'utf8'), 'routes/users.js': "module.exports = function (router) {\n  router.get('/', (req, res) => { res.send({}); });\n};\n" });
    const plain = await run(dir2, { projectPass: false });
    expect(statusOf(plain, dir2)['routes/users.js']).toBe('skipped:no-express');
  });

  it('skips the project pass (and ts-morph) when no file imports express', async () => {
    const dir = tree({ 'notes.js': '// how we chose express over koa\nmodule.exports = 1;\n', 'util.js': 'module.exports = 2;\n' });
    const result = await run(dir);
    expect(result.projectPass).toEqual({ ran: false, addedFiles: 0, hints: 0 });
    expect(statusOf(result, dir)).toEqual({ 'notes.js': 'unchanged', 'util.js': 'skipped:no-express' });
  });

  it('accepts a transform function and a plain jscodeshift transform module', async () => {
    const dir = tree({ 'app.js': ROUTE });
    const seen: string[] = [];
    const result = await run(dir, {
      dry: true,
      transform: (source, opts) => {
        seen.push(opts.path);
        return { output: source + '// touched\n', entries: [], handlers: { native: 0, compat: 0 } };
      },
    });
    expect(seen).toEqual([join(dir, 'app.js')]);
    expect(result.totals.changed).toBe(1);
    const viaJscodeshift = await run(dir, { dry: true, transform: fileURLToPath(new URL('./__testfixtures__/runner/noop-jscodeshift.cjs', import.meta.url)) });
    expect(viaJscodeshift.totals).toMatchObject({ changed: 0, unchanged: 1 });
  });

  it('rejects bad usage with coded errors', async () => {
    const dir = tree({ 'app.js': ROUTE });
    await expect(runCodemod({ paths: ['missing'], cwd: dir })).rejects.toMatchObject({ code: 'EXW_ERR_CODEMOD_RUNNER_PATH' });
    await expect(runCodemod({ paths: ['.'], cwd: dir, cpus: 0 })).rejects.toMatchObject({ code: 'EXW_ERR_CODEMOD_RUNNER_USAGE' });
    await expect(runCodemod({ paths: ['.'], cwd: dir, cpus: 1, transform: join(dir, 'nope.mjs') })).rejects.toMatchObject({ code: 'EXW_ERR_CODEMOD_RUNNER_TRANSFORM' });
  });

  it('builds a report with per-file status, entries, totals and grouped reasons', async () => {
    const dir = tree({ 'app.js': ROUTE.replace("app.get('/'", "app.get('/page', (req, res) => res.render('page'));\napp.get('/'") });
    const report = buildReport(await run(dir, { dry: true }));
    expect(report).toMatchObject({
      version: 1, kind: 'expressway-codemod-report', dry: true,
      totals: { files: 1, changed: 1, unchanged: 0, skipped: 0, failed: 0 },
      handlers: { native: 1, compat: 1, nativeRatio: 0.5, reasons: [{ rule: 'res-render', reason: 'templates stay on Express', count: 1 }] },
      files: [{ file: 'app.js', status: 'changed', handlers: { native: 1, compat: 1 } }],
    });
    expect(report.files[0].entries).toEqual([
      { line: 4, kind: 'migrated', rule: 'send-to-json' },
      { line: 3, kind: 'compat', rule: 'res-render', reason: 'templates stay on Express' },
    ]);
  });
});
