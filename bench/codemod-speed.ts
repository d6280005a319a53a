/**
 * Codemod speed, side by side: `expressway codemod run --cpus 2 --dry` against
 * a jscodeshift no-op transform (parse and print every file) run by
 * jscodeshift's own runner with `--cpus 2`, over the same generated corpus of
 * 1,000 files: route modules (CommonJS JavaScript and ESM TypeScript),
 * controllers that never name express but receive (req, res), services and
 * utilities that never touch Express. Runs alternate, the medians are
 * compared. Not part of `npm test`.
 *
 *   npm run build && node dist/bench/codemod-speed.js [--files 1000] [--runs 3] [--transform <module>]
 *     [--baseline <other checkout>/dist/cli/main.js] [--cli <cli to time>] [--no-runner-only] [--keep]
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const RESOURCES = ['users', 'orders', 'items', 'teams', 'files', 'tags', 'carts', 'notes'];

interface Corpus {
  dir: string;
  files: number;
  bytes: number;
}

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !readFileSync(join(dir, 'package.json'), 'utf8').includes('"name": "expressway"')) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the expressway package root');
    dir = parent;
  }
  return dir;
}

/** Kinds by index: 20% route modules, 10% controllers, 30% services, 40% utilities. */
function kindOf(i: number): 'route' | 'controller' | 'service' | 'util' {
  const slot = i % 10;
  if (slot < 2) return 'route';
  if (slot === 2) return 'controller';
  if (slot < 6) return 'service';
  return 'util';
}

export function generateCorpus(dir: string, count: number): Corpus {
  const indices = { route: [] as number[], controller: [] as number[], service: [] as number[], util: [] as number[] };
  for (let i = 0; i < count - 1; i++) indices[kindOf(i)].push(i);
  const pick = (list: number[], i: number): number => list[i % list.length];
  const files = new Map<string, string>();
  const routeFiles: string[] = [];
  for (const i of indices.util) files.set(`src/utils/util-${i}.js`, utilModule(i));
  for (const i of indices.service) files.set(`src/services/service-${i}.${i % 2 ? 'ts' : 'js'}`, i % 2 ? serviceTs(i) : serviceJs(i, pick(indices.util, i)));
  for (const i of indices.controller) files.set(`src/controllers/controller-${i}.js`, controllerModule(i, pick(indices.service.filter((s) => s % 2 === 0), i)));
  indices.route.forEach((i, k) => {
    const ts = i % 4 === 1;
    const name = `src/routes/route-${i}.${ts ? 'ts' : 'js'}`;
    routeFiles.push(name);
    files.set(name, ts
      ? routeTs(i, pick(indices.service.filter((s) => s % 2 === 1), i), pick(indices.util, i))
      : routeJs(i, pick(indices.service.filter((s) => s % 2 === 0), i), pick(indices.controller, k), pick(indices.util, i)));
  });
  files.set('src/app.js', appModule(routeFiles));
  let bytes = 0;
  for (const [name, text] of files) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
    bytes += Buffer.byteLength(text);
  }
  return { dir, files: files.size, bytes };
}

function appModule(routes: string[]): string {
  const lines = ["'use strict';", "const express = require('express');", 'const app = express();', 'app.use(express.json());'];
  routes.forEach((r, k) => {
    const rel = './' + r.slice('src/'.length).replace(/\.(js|ts)$/, '');
    lines.push(r.endsWith('.ts') ? `app.use('/v${k}', require('${rel}').default);` : `app.use('/v${k}', require('${rel}'));`);
  });
  lines.push('app.use((req, res) => { res.status(404).json({ error: \'not found\' }); });', 'module.exports = app;', '');
  return lines.join('\n');
}

function routeJs(i: number, service: number, controller: number, util: number): string {
  const out = [
    "'use strict';",
    "const express = require('express');",
    `const service = require('../services/service-${service}');`,
    `const controller = require('../controllers/controller-${controller}');`,
    `const { clamp, slugify } = require('../utils/util-${util}');`,
    '',
    'const router = express.Router();',
    '',
  ];
  for (const r of RESOURCES.slice(0, 5)) {
    out.push(
      `/** Lists ${r}, paginated (route module ${i}). */`,
      `router.get('/${r}', async (req, res, next) => {`,
      '  try {',
      '    const page = clamp(Number(req.query.page || 1), 1, 1000);',
      `    const rows = await service.list${cap(r)}({ page, limit: 20, q: req.query.q });`,
      "    res.set('Cache-Control', 'no-store');",
      '    res.json({ page, rows });',
      '  } catch (err) {',
      '    next(err);',
      '  }',
      '});',
      '',
      `router.get('/${r}/:id', controller.show${cap(r)});`,
      '',
      `router.post('/${r}', express.json(), (req, res, next) => {`,
      '  if (!req.body || typeof req.body.name !== \'string\') {',
      "    return res.status(400).json({ error: 'name is required' });",
      '  }',
      `  service.create${cap(r)}({ name: req.body.name, slug: slugify(req.body.name) }, (err, created) => {`,
      '    if (err) return next(err);',
      `    res.status(201).location('/${r}/' + created.id).json(created);`,
      '  });',
      '});',
      '',
    );
  }
  out.push('module.exports = router;', '');
  return out.join('\n');
}

function routeTs(i: number, service: number, util: number): string {
  const out = [
    "import { Router, type Request, type Response, type NextFunction } from 'express';",
    `import { Service${service} } from '../services/service-${service}.js';`,
    `import { clamp } from '../utils/util-${util}.js';`,
    '',
    `const service = new Service${service}();`,
    'const router = Router();',
    '',
  ];
  for (const r of RESOURCES.slice(0, 5)) {
    out.push(
      `// ${r} (typed route module ${i})`,
      `router.get('/${r}/:id', async (req: Request<{ id: string }>, res: Response, next: NextFunction) => {`,
      '  try {',
      '    const id = clamp(Number(req.params.id), 1, Number.MAX_SAFE_INTEGER);',
      '    const row = await service.find(id);',
      '    if (!row) {',
      "      res.status(404).json({ error: 'not found' });",
      '      return;',
      '    }',
      '    res.json(row);',
      '  } catch (err) {',
      '    next(err);',
      '  }',
      '});',
      '',
      `router.delete('/${r}/:id', async (req: Request<{ id: string }>, res: Response) => {`,
      '  await service.remove(Number(req.params.id));',
      '  res.sendStatus(204);',
      '});',
      '',
    );
  }
  out.push('export default router;', '');
  return out.join('\n');
}

function controllerModule(i: number, service: number): string {
  const out = ["'use strict';", `const service = require('../services/service-${service}');`, ''];
  for (const r of RESOURCES.slice(0, 5)) {
    out.push(
      `/** Shows one of ${r} (controller ${i}); receives the request from the router. */`,
      `exports.show${cap(r)} = async function show${cap(r)}(req, res, next) {`,
      '  try {',
      `    const row = await service.get${cap(r)}(Number(req.params.id));`,
      "    if (!row) return res.status(404).json({ error: 'not found' });",
      '    res.json(row);',
      '  } catch (err) {',
      '    next(err);',
      '  }',
      '};',
      '',
    );
  }
  return out.join('\n');
}

function serviceJs(i: number, util: number): string {
  const out = ["'use strict';", `const { clamp } = require('../utils/util-${util}');`, '', 'const rows = new Map();', 'let nextId = 1;', ''];
  for (const r of RESOURCES) {
    out.push(
      `/** Data access for ${r} (service ${i}). */`,
      `async function list${cap(r)}({ page = 1, limit = 20, q } = {}) {`,
      '  const all = [...rows.values()].filter((row) => !q || row.name.includes(q));',
      '  const start = (clamp(page, 1, 1e6) - 1) * limit;',
      '  return all.slice(start, start + limit);',
      '}',
      '',
      `async function get${cap(r)}(id) {`,
      '  return rows.get(id) ?? null;',
      '}',
      '',
      `function create${cap(r)}(input, callback) {`,
      '  setImmediate(() => {',
      '    const row = { id: nextId++, ...input, createdAt: new Date().toISOString() };',
      '    rows.set(row.id, row);',
      '    callback(null, row);',
      '  });',
      '}',
      '',
    );
  }
  out.push(`module.exports = { ${RESOURCES.flatMap((r) => [`list${cap(r)}`, `get${cap(r)}`, `create${cap(r)}`]).join(', ')} };`, '');
  return out.join('\n');
}

function serviceTs(i: number): string {
  return [
    'export interface Row {',
    '  id: number;',
    '  name: string;',
    '  tags: string[];',
    '  createdAt: string;',
    '}',
    '',
    `/** In-memory repository (service ${i}). */`,
    `export class Service${i} {`,
    '  private readonly rows = new Map<number, Row>();',
    '  private nextId = 1;',
    '',
    '  async find(id: number): Promise<Row | null> {',
    '    return this.rows.get(id) ?? null;',
    '  }',
    '',
    '  async list(page = 1, limit = 20): Promise<Row[]> {',
    '    const all = [...this.rows.values()].sort((a, b) => a.id - b.id);',
    '    return all.slice((page - 1) * limit, page * limit);',
    '  }',
    '',
    '  async create(name: string, tags: string[] = []): Promise<Row> {',
    '    const row: Row = { id: this.nextId++, name, tags, createdAt: new Date().toISOString() };',
    '    this.rows.set(row.id, row);',
    '    return row;',
    '  }',
    '',
    '  async remove(id: number): Promise<boolean> {',
    '    return this.rows.delete(id);',
    '  }',
    '',
    '  async rename(id: number, name: string): Promise<Row | null> {',
    '    const row = this.rows.get(id);',
    '    if (!row) return null;',
    '    const next = { ...row, name };',
    '    this.rows.set(id, next);',
    '    return next;',
    '  }',
    '',
    '  count(): number {',
    '    return this.rows.size;',
    '  }',
    '}',
    '',
  ].join('\n');
}

function utilModule(i: number): string {
  const out = ["'use strict';", `// Helpers (utility module ${i}): formatting and list utilities.`, ''];
  out.push(
    'function clamp(value, min, max) {',
    '  if (Number.isNaN(value)) return min;',
    '  return Math.min(max, Math.max(min, value));',
    '}',
    '',
    'function slugify(text) {',
    "  return String(text).toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');",
    '}',
    '',
  );
  for (let k = 0; k < 8; k++) {
    out.push(
      `/** Formats a value for report ${k}. */`,
      `function format${k}(value, { precision = ${k % 4}, unit = 'u${k}' } = {}) {`,
      "  if (value === null || value === undefined) return '-';",
      `  const scaled = typeof value === 'number' ? value * ${k + 1} : Number(value);`,
      '  return `${scaled.toFixed(precision)} ${unit}`;',
      '}',
      '',
      `function chunk${k}(list, size = ${k + 2}) {`,
      '  const out = [];',
      '  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));',
      '  return out;',
      '}',
      '',
    );
  }
  out.push(`module.exports = { clamp, slugify, ${Array.from({ length: 8 }, (_, k) => `format${k}, chunk${k}`).join(', ')} };`, '');
  return out.join('\n');
}

function cap(s: string): string {
  return s[0].toUpperCase() + s.slice(1);
}

interface Timing {
  ms: number;
  /** User + system CPU seconds of the command and its children, when /usr/bin/time is there. */
  cpu: number | null;
  status: number | null;
}

/** Wall time, plus CPU time through /usr/bin/time: on a shared machine CPU seconds drift less than wall time. */
function timeCommand(cmd: string, args: string[], cwd: string): Timing {
  const timer = existsSync('/usr/bin/time');
  const start = performance.now();
  const run = timer
    ? spawnSync('/usr/bin/time', ['-f', 'EXW_CPU %U %S', cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    : spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - start;
  const cpuLine = /EXW_CPU ([\d.]+) ([\d.]+)/.exec(run.stderr ?? '');
  return { ms, cpu: cpuLine ? Number(cpuLine[1]) + Number(cpuLine[2]) : null, status: run.status };
}

function fmt(t: Timing): string {
  return `${(t.ms / 1000).toFixed(2)} s wall${t.cpu === null ? '' : `, ${t.cpu.toFixed(1)} s CPU`} (exit ${t.status})`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

interface Contender {
  label: string;
  args: string[];
  cwd: string;
  times: Timing[];
}

function main(): void {
  const { values } = parseArgs({
    options: {
      files: { type: 'string', default: '1000' },
      runs: { type: 'string', default: '3' },
      transform: { type: 'string' },
      // Another build's CLI (a checkout's dist/cli/main.js), timed in the same rounds: an A/B on a busy machine.
      baseline: { type: 'string' },
      cli: { type: 'string' },
      'no-runner-only': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
  });
  const root = repoRoot();
  const cli = values.cli ? resolve(values.cli) : join(root, 'dist/cli/main.js');
  if (!existsSync(cli)) throw new Error(`build first: npm run build (${cli} is missing)`);
  if (values.baseline && !existsSync(resolve(values.baseline))) throw new Error(`--baseline ${values.baseline} does not exist`);
  const work = mkdtempSync(join(tmpdir(), 'exw-codemod-bench-'));
  try {
    const corpus = generateCorpus(join(work, 'corpus'), Number(values.files));
    const copy = (name: string): string => {
      // Each tool gets its own copy, so none can see another's output.
      cpSync(corpus.dir, join(work, name), { recursive: true });
      return join(work, name);
    };
    const noop = join(work, 'noop-transform.cjs');
    writeFileSync(noop, "module.exports = function transform(file, api) {\n  return api.jscodeshift(file.source).toSource();\n};\nmodule.exports.parser = 'tsx';\n");
    const transform = values.transform ? ['--transform', resolve(values.transform)] : [];
    const contenders: Contender[] = [
      { label: 'jscodeshift no-op', args: [join(root, 'node_modules/.bin/jscodeshift'), '-t', noop, '--cpus', '2', '--parser', 'tsx', '--extensions', 'js,ts', 'src'], cwd: copy('jscodeshift'), times: [] },
      { label: 'expressway codemod run', args: [cli, 'codemod', 'run', 'src', '--cpus', '2', '--dry', ...transform], cwd: copy('ours'), times: [] },
    ];
    if (values.baseline) {
      contenders.push({ label: 'baseline codemod run', args: [resolve(values.baseline), 'codemod', 'run', 'src', '--cpus', '2', '--dry', ...transform], cwd: copy('baseline'), times: [] });
    }
    if (!values['no-runner-only']) {
      // The runner alone: the same parse-and-print no-op through our runner (prefilter, project pass, workers).
      contenders.push({ label: 'runner with the no-op', args: [cli, 'codemod', 'run', 'src', '--cpus', '2', '--dry', '--transform', noop], cwd: contenders[1]!.cwd, times: [] });
    }
    console.log(`corpus: ${corpus.files} files, ${(corpus.bytes / 1e6).toFixed(2)} MB in ${corpus.dir}`);
    console.log(`transform: ${values.transform ?? 'the CLI default'}`);
    for (const c of contenders) console.log(`${c.label}: node ${c.args.map((a) => a.replace(work, '$TMP').replace(root, '.')).join(' ')}`);
    for (let run = 0; run < Number(values.runs); run++) {
      // Rotate the order each round, so no contender always runs first (or last) on a machine whose load drifts.
      const order = contenders.map((_, i) => contenders[(i + run) % contenders.length]!);
      const line: string[] = [];
      for (const c of order) {
        const t = timeCommand(process.execPath, c.args, c.cwd);
        c.times.push(t);
        line.push(`${c.label} ${fmt(t)}`);
      }
      console.log(`run ${run + 1}: ${line.join('; ')}`);
    }
    const [theirs, ours] = contenders;
    const t = median(theirs!.times.map((x) => x.ms));
    for (const c of contenders.slice(1)) {
      const o = median(c.times.map((x) => x.ms));
      const cpu = c.times.every((x) => x.cpu !== null) && theirs!.times.every((x) => x.cpu !== null)
        ? `, CPU ratio ${(median(c.times.map((x) => x.cpu!)) / median(theirs!.times.map((x) => x.cpu!))).toFixed(2)}` : '';
      console.log(`median: ${c.label} ${(o / 1000).toFixed(2)} s vs jscodeshift no-op ${(t / 1000).toFixed(2)} s: wall ratio ${(o / t).toFixed(2)}${cpu}`);
    }
    const o = median(ours!.times.map((x) => x.ms));
    console.log(`goal: expressway codemod run wall <= jscodeshift no-op wall (ratio <= 1.00): ${o <= t ? 'met' : 'not met'}`);
    process.exitCode = o <= t ? 0 : 1;
  } finally {
    if (!values.keep) rmSync(work, { recursive: true, force: true });
    else console.log(`kept ${work}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
