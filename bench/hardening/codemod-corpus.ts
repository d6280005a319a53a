/**
 * The codemod runner over real code: copies `count` JavaScript/TypeScript
 * files from installed node_modules packages (a fixed package order, files
 * sorted, so the pick is deterministic) into a temp dir, runs the runner dry
 * with the text kept, checks every rewritten text still parses (with the
 * parser the runner chose for it), writes the rewrites into the copy and
 * runs again: the second run must change nothing. The runner itself must
 * never throw; per-file failures are counted by kind (the originals that do
 * not parse are reported and left untouched, by design).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import jscodeshift from 'jscodeshift';
import { parserFor, runCodemod, type RunResult } from '../../codemods/index.js';

/**
 * Packages whose code uses Express first (light-my-request's tests, and the
 * workspace fixture apps installed as @expressway-fixtures/*), so a small
 * corpus still exercises the rewrites; then Express and its ecosystem; then
 * large general code, which must come through untouched.
 */
export const CORPUS_PACKAGES = [
  'light-my-request', '@expressway-fixtures/minimal', '@expressway-fixtures/rest-api', '@expressway-fixtures/callbacks',
  '@expressway-fixtures/hard-cases', '@expressway-fixtures/middleware-stack', '@expressway-fixtures/auth',
  '@expressway-fixtures/realtime', '@expressway-fixtures/ts-express5',
  'express', 'express5', 'body-parser', 'router', 'serve-static', 'express-session', 'express-rate-limit',
  'http-proxy-middleware', 'swagger-ui-express', 'passport', 'passport-local', 'morgan', 'multer', 'helmet',
  'cors', 'compression', 'errorhandler', 'method-override', 'cookie-parser', 'connect-history-api-fallback',
  'serve-favicon', 'finalhandler', 'send', 'pino-http', 'supertest', 'superagent', 'koa', '@koa/router',
  'fastify', 'hono', 'jscodeshift', 'recast', 'ws', 'qs', 'commander', 'pino', 'ajv', 'ts-morph', 'typescript',
];

const EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.jsx', '.tsx']);
/** Bundled or generated giants say little about real app code and take long to parse. */
const MAX_FILE_BYTES = 150 * 1024;
/** Folders the runner skips by default (walk.ts DEFAULT_IGNORES); renamed in the copy so their files count. */
const IGNORED_DIRS = new Set(['dist', 'build', 'node_modules']);

const FROM_SOURCES = extname(fileURLToPath(import.meta.url)) === '.ts';

function projectRoot(): string {
  return fileURLToPath(new URL(FROM_SOURCES ? '../../' : '../../../', import.meta.url));
}

function listFiles(dir: string, out: string[], limit: number): void {
  let names;
  try {
    names = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of names) {
    if (out.length >= limit) return;
    const path = join(dir, name);
    // stat, not the dirent type: workspace packages are symlinks.
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat === undefined) continue;
    if (stat.isDirectory()) {
      if (name !== 'node_modules' && name !== '.bin' && !name.startsWith('.')) listFiles(path, out, limit);
    } else if (stat.isFile() && EXTENSIONS.has(extname(name)) && !/\.d\.[cm]?ts$/.test(name) && !name.includes('.min.') && stat.size <= MAX_FILE_BYTES) {
      out.push(path);
    }
  }
}

/** The first `count` files, package by package in CORPUS_PACKAGES order. */
export function pickCorpus(count: number): Array<{ pkg: string; file: string }> {
  const modules = join(projectRoot(), 'node_modules');
  const picked: Array<{ pkg: string; file: string }> = [];
  for (const pkg of CORPUS_PACKAGES) {
    const files: string[] = [];
    listFiles(join(modules, pkg), files, count - picked.length);
    for (const file of files) picked.push({ pkg, file });
    if (picked.length >= count) break;
  }
  return picked;
}

function copyCorpus(picked: Array<{ pkg: string; file: string }>, into: string): void {
  const modules = join(projectRoot(), 'node_modules');
  for (const { file } of picked) {
    const rel = relative(modules, file).split(/[\\/]/).map((part) => (IGNORED_DIRS.has(part) ? `_${part}` : part));
    const dest = join(into, ...rel);
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(file, dest);
  }
}

function parses(file: string, text: string): string | null {
  try {
    jscodeshift.withParser(parserFor(file))(text);
    return null;
  } catch (err) {
    return (err as Error).message.split('\n')[0]!;
  }
}

export interface CorpusReport {
  filesPicked: number;
  packages: number;
  firstRun: RunResult['totals'];
  /** Per-file failures by error code (a parse failure of an original is reported and left untouched). */
  failuresByCode: Record<string, number>;
  /** The runner threw instead of returning a result. */
  runnerCrashes: number;
  rewrittenThatParse: number;
  rewrittenThatDoNotParse: Array<{ file: string; error: string }>;
  secondRun: RunResult['totals'];
  /** Files the second run would change again (must be 0). */
  secondRunChanged: string[];
  handlers: RunResult['handlers'];
  seconds: number;
}

export async function runCodemodCorpus(count: number): Promise<CorpusReport> {
  const began = Date.now();
  const picked = pickCorpus(count);
  const dir = mkdtempSync(join(tmpdir(), 'exw-codemod-corpus-'));
  let runnerCrashes = 0;
  try {
    copyCorpus(picked, dir);
    const run = async (): Promise<RunResult | null> => {
      try {
        // From the TypeScript sources (vitest, tsx) the worker threads cannot load
        // codemods/worker.ts, so the runner works inline; from dist/ it uses its pool.
        return await runCodemod({ paths: ['.'], cwd: dir, dry: true, keepText: true, gitignore: false, ...(FROM_SOURCES ? { cpus: 1 } : {}) });
      } catch {
        runnerCrashes++;
        return null;
      }
    };
    const first = await run();
    if (first === null) throw new Error('the codemod runner threw on the corpus');
    const failuresByCode: Record<string, number> = {};
    for (const f of first.files) if (f.status === 'failed') failuresByCode[f.error?.code ?? 'uncoded'] = (failuresByCode[f.error?.code ?? 'uncoded'] ?? 0) + 1;
    const rewritten = first.files.filter((f) => f.status === 'changed');
    const broken: Array<{ file: string; error: string }> = [];
    for (const f of rewritten) {
      const error = parses(f.file, f.after ?? '');
      if (error !== null) broken.push({ file: relative(dir, f.file), error });
      // Apply the rewrite to the copy, as a real (non-dry) run would, for the second run.
      writeFileSync(f.file, f.after ?? '');
    }
    const second = await run();
    return {
      filesPicked: picked.length,
      packages: new Set(picked.map((p) => p.pkg)).size,
      firstRun: first.totals,
      failuresByCode,
      runnerCrashes,
      rewrittenThatParse: rewritten.length - broken.length,
      rewrittenThatDoNotParse: broken,
      secondRun: second?.totals ?? { files: 0, changed: 0, unchanged: 0, skipped: 0, failed: 0 },
      secondRunChanged: second ? second.files.filter((f) => f.status === 'changed').map((f) => relative(dir, f.file)) : [],
      handlers: first.handlers,
      seconds: Math.round((Date.now() - began) / 1000),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
