/**
 * `expressway codemod run` end to end: the built CLI (`npm test` builds
 * first) in temp directories, with the small test transform from
 * codemods/__testfixtures__/runner so these tests do not depend on the
 * migration rules themselves.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(root, 'dist/cli/main.js');
const TRANSFORM = join(root, 'codemods/__testfixtures__/runner/send-to-json.mjs');
const ROUTE = "const express = require('express');\nconst app = express();\napp.get('/', (req, res) => { res.send({ ok: true }); });\nmodule.exports = app;\n";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'exw-cli-codemod-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

function cli(cwd: string, args: string[], nodeArgs: string[] = []) {
  const run = spawnSync(process.execPath, [...nodeArgs, CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[p.slice(dir.length + 1)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

const routes = (n: number): Record<string, string> => Object.fromEntries(Array.from({ length: n }, (_, i) => [
  `routes/r${i}.js`, ROUTE.replace("'/'", `'/r${i}'`) + (i % 3 === 0 ? "app.get('/v', (req, res) => res.render('v'));\n" : ''),
]));

describe('expressway codemod run (CLI)', () => {
  it('exit 0 and writes the migration; the summary names changed and skipped files', () => {
    const dir = tree({ 'app.js': ROUTE, 'util.js': 'module.exports = 1;\n' });
    const r = cli(dir, ['codemod', 'run', '.', '--transform', TRANSFORM, '--cpus', '1']);
    expect(r.stderr).toMatch(/changed\s*│\s*1/);
    expect(r.stderr).toMatch(/skipped\s*│\s*1/);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'app.js'), 'utf8')).toContain('res.json({ ok: true })');
  });

  it('--dry --diff shows a unified diff and writes nothing', () => {
    const dir = tree({ 'app.js': ROUTE });
    const r = cli(dir, ['codemod', 'run', 'app.js', '--dry', '--diff', '--transform', TRANSFORM, '--silent']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--- a/app.js');
    expect(r.stdout).toContain("-app.get('/', (req, res) => { res.send({ ok: true }); });");
    expect(r.stdout).toContain("+app.get('/', (req, res) => { res.json({ ok: true }); });");
    expect(r.stderr).toBe('');
    expect(readFileSync(join(dir, 'app.js'), 'utf8')).toBe(ROUTE);
  });

  it('--dry --print prints the new file', () => {
    const dir = tree({ 'app.js': ROUTE });
    const r = cli(dir, ['codemod', 'run', '.', '--dry', '--print', '--transform', TRANSFORM, '--silent']);
    expect(r.stdout).toBe(`==> app.js <==\n${ROUTE.replace('res.send(', 'res.json(')}\n`);
  });

  it('exit 1 when a file fails to parse, with file and line, at any verbosity; the file is untouched', () => {
    const broken = "const express = require('express');\nconst x = ;\n";
    const dir = tree({ 'bad.js': broken, 'app.js': ROUTE });
    const r = cli(dir, ['codemod', 'run', '.', '--transform', TRANSFORM]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.js:2:\d+\s+Unexpected token/);
    expect(readFileSync(join(dir, 'bad.js'), 'utf8')).toBe(broken);
    const silent = cli(dir, ['codemod', 'run', '.', '--transform', TRANSFORM, '--silent']);
    expect(silent.code).toBe(1);
    expect(silent.stderr).toBe('');
  });

  it('exit 2 for a nonexistent path, an unknown flag, a bad --cpus, an unknown parser, or a transform that cannot load', () => {
    const dir = tree({ 'app.js': ROUTE });
    const missing = cli(dir, ['codemod', 'run', 'nope']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('path "nope" does not exist (EXW_ERR_CODEMOD_RUNNER_PATH)');
    expect(cli(dir, ['codemod', 'run', '.', '--frobnicate']).code).toBe(2);
    expect(cli(dir, ['codemod', 'run', '.', '--cpus', 'two']).code).toBe(2);
    expect(cli(dir, ['codemod', 'run', '.', '--parser', 'esprima']).code).toBe(2);
    expect(cli(dir, ['codemod', 'run', '.', '--dry', '--print', '--diff']).code).toBe(2);
    expect(cli(dir, ['codemod', 'run', '.', '--report', join(dir, 'no/such/dir/r.json')]).code).toBe(2);
    const badTransform = cli(dir, ['codemod', 'run', '.', '--transform', join(dir, 'missing.mjs')]);
    expect(badTransform.code).toBe(2);
    expect(badTransform.stderr).toContain('EXW_ERR_CODEMOD_RUNNER_TRANSFORM');
    expect(readFileSync(join(dir, 'app.js'), 'utf8')).toBe(ROUTE);
  });

  it('keeps CRLF, leaves no temp files, and a second run changes nothing', () => {
    const dir = tree({ 'app.js': ROUTE.replace(/\n/g, '\r\n') });
    expect(cli(dir, ['codemod', 'run', '.', '--transform', TRANSFORM, '--silent']).code).toBe(0);
    const first = snapshot(dir);
    expect(Object.keys(first)).toEqual(['app.js']);
    expect(first['app.js']).toBe(ROUTE.replace('res.send(', 'res.json(').replace(/\n/g, '\r\n'));
    const again = cli(dir, ['codemod', 'run', '.', '--transform', TRANSFORM]);
    expect(again.stderr).toMatch(/changed\s*│\s*0/);
    expect(snapshot(dir)).toEqual(first);
  });

  it('--report writes the documented JSON shape', () => {
    const dir = tree({ 'app.js': ROUTE + "app.get('/v', (req, res) => res.render('v'));\n", 'util.js': 'module.exports = 1;\n' });
    const r = cli(dir, ['codemod', 'run', '.', '--dry', '--silent', '--transform', TRANSFORM, '--report', 'report.json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(Object.keys(report)).toEqual(['version', 'kind', 'dry', 'cwd', 'durationMs', 'totals', 'handlers', 'projectPass', 'files']);
    expect(report.totals).toEqual({ files: 2, changed: 1, unchanged: 0, skipped: 1, failed: 0 });
    expect(report.handlers).toEqual({ native: 1, compat: 1, nativeRatio: 0.5, reasons: [{ rule: 'res-render', reason: 'templates stay on Express', count: 1 }] });
    expect(report.files).toEqual([
      {
        file: 'app.js', status: 'changed', handlers: { native: 1, compat: 1 },
        entries: [{ line: 3, kind: 'migrated', rule: 'send-to-json' }, { line: 5, kind: 'compat', rule: 'res-render', reason: 'templates stay on Express' }],
      },
      { file: 'util.js', status: 'skipped', reason: 'no-express', handlers: { native: 0, compat: 0 }, entries: [] },
    ]);
  });

  it('--cpus 2 (worker threads) gives the same files and report as --cpus 1', () => {
    const files = { ...routes(12), 'lib/util.js': 'exports.x = 1;\n', 'bad.js': "require('express');\nlet = ;\n" };
    const one = tree(files);
    const two = tree(files);
    const r1 = cli(one, ['codemod', 'run', '.', '--cpus', '1', '--silent', '--transform', TRANSFORM, '--report', 'r.json']);
    const r2 = cli(two, ['codemod', 'run', '.', '--cpus', '2', '--silent', '--transform', TRANSFORM, '--report', 'r.json']);
    expect([r1.code, r2.code]).toEqual([1, 1]);
    const strip = (dir: string) => {
      const { durationMs: _d, cwd: _c, ...rest } = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
      return rest;
    };
    expect(strip(two)).toEqual(strip(one));
    expect(strip(one).totals).toEqual({ files: 14, changed: 12, unchanged: 0, skipped: 1, failed: 1 });
    const { 'r.json': _a, ...filesOne } = snapshot(one);
    const { 'r.json': _b, ...filesTwo } = snapshot(two);
    expect(filesTwo).toEqual(filesOne);
  });
});

describe('lazy loading', () => {
  // Records every module specifier resolved through the ESM loader and every
  // CommonJS module in require.cache, written to stderr when the process exits.
  const HOOKS = 'data:text/javascript,' + encodeURIComponent(
    "export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write('\\u0000resolved ' + r.url + '\\n'); return r; }",
  );
  const PRELOAD = 'data:text/javascript,' + encodeURIComponent([
    "import { register, createRequire } from 'node:module';",
    `register(${JSON.stringify(HOOKS)});`,
    "const require = createRequire(process.cwd() + '/probe.js');",
    "process.on('exit', () => { for (const k of Object.keys(require.cache)) process.stderr.write('\\u0000cjs ' + k + '\\n'); });",
  ].join('\n'));
  const HEAVY = /[\\/]node_modules[\\/](jscodeshift|ts-morph|@ts-morph|typescript|@babel|recast|diff|cli-table3|cli-progress)[\\/]/;

  function loaded(cwd: string, args: string[]): string[] {
    const r = cli(cwd, args, ['--import', PRELOAD]);
    return r.stderr.split('\n').filter((l) => l.startsWith('\u0000')).map((l) => l.replace(/^\u0000\w+ /, ''));
  }

  it('`expressway --help` and `codemod run --help` load no jscodeshift, ts-morph, TypeScript, babel, diff or table code', () => {
    const dir = tree({ 'app.js': ROUTE });
    for (const args of [['--help'], ['codemod', 'run', '--help']]) {
      const modules = loaded(dir, args);
      expect(modules.some((m) => m.includes('dist/cli/main.js'))).toBe(true);
      expect(modules.filter((m) => HEAVY.test(m))).toEqual([]);
    }
  });

  it('the same probe sees them once a run needs them (the check can fail)', () => {
    const dir = tree({ 'app.js': ROUTE });
    const modules = loaded(dir, ['codemod', 'run', '.', '--dry', '--diff', '--cpus', '1', '--transform', TRANSFORM]);
    const heavy = new Set(modules.filter((m) => HEAVY.test(m)).map((m) => HEAVY.exec(m)![1]));
    expect([...heavy].sort()).toEqual(expect.arrayContaining(['@babel', 'diff', 'jscodeshift', 'ts-morph']));
  });
});
