/**
 * `expressway codemod run <paths...>`. Only commander and the exit codes load
 * with the CLI; the runner, jscodeshift, ts-morph, the diff and table
 * libraries load inside the action (cli/commands/codemod.test.ts proves
 * `expressway --help` loads none of them).
 */
import { Option, type Command } from 'commander';
import { UsageError } from '../exit.js';

interface RunFlags {
  dry?: boolean;
  print?: boolean;
  diff?: boolean;
  extensions: string;
  ignorePattern: string[];
  gitignore: boolean;
  cpus?: string;
  report?: string;
  silent?: boolean;
  parser?: 'babel' | 'tsx' | 'ts' | 'flow';
  transform?: string;
  project: boolean;
  runtimeImport?: string;
  compatImport?: string;
}

const DEFAULT_EXTENSIONS = 'js,jsx,mjs,cjs,ts,tsx,mts,cts';

export function registerCodemod(program: Command): void {
  const codemod = program.command('codemod').description('Rewrite Express code into Expressway runtime code.');
  codemod
    .command('run')
    .description('Migrate the Express code under the given files and directories.')
    .argument('<paths...>', 'files or directories to migrate')
    .option('--dry', 'compute the changes but write nothing')
    .option('--print', 'print each changed file in full (to stdout)')
    .option('--diff', 'print a unified diff of each changed file (to stdout)')
    .option('--extensions <list>', 'comma-separated file extensions to process', DEFAULT_EXTENSIONS)
    .option('--ignore-pattern <pattern>', 'skip paths matching this gitignore-style pattern (repeatable)', collect, [])
    .option('--no-gitignore', 'do not read .gitignore files')
    .option('--cpus <n>', 'worker threads (default: min(2, cores))')
    .option('--report <file.json>', 'write a JSON report of every file and handler')
    .option('--silent', 'no progress bar and no summary (the exit code still tells)')
    .addOption(new Option('--parser <name>', 'force a parser instead of choosing by extension').choices(['babel', 'tsx', 'ts', 'flow']))
    .option('--transform <module>', 'use another transform module (migrateSource-shaped or a jscodeshift transform)')
    .option('--no-project', 'skip the cross-file project pass')
    .option('--runtime-import <specifier>', 'module the migrated code imports the runtime from')
    .option('--compat-import <specifier>', 'module the migrated code imports compat helpers from')
    .action(async (paths: string[], flags: RunFlags) => {
      process.exitCode = await runAction(paths, flags);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function runAction(paths: string[], flags: RunFlags): Promise<number> {
  const cpus = parseCpus(flags.cpus);
  if (flags.print && flags.diff) throw new UsageError('--print and --diff cannot be combined; pick one');
  const extensions = flags.extensions.split(',').map((e) => e.trim().replace(/^\./, '')).filter(Boolean);
  if (extensions.length === 0) throw new UsageError('--extensions needs at least one extension, e.g. js,ts');
  if (flags.report) await checkReportPath(flags.report);

  const [{ runCodemod, displayPath }, { USAGE_CODES }] = await Promise.all([
    import('../../codemods/runner.js'),
    import('../../codemods/runner-errors.js'),
  ]);
  const showProgress = !flags.silent && process.stderr.isTTY === true;
  const progress = showProgress ? await createProgress() : null;
  let result;
  try {
    result = await runCodemod({
      paths,
      extensions,
      ignorePatterns: flags.ignorePattern,
      gitignore: flags.gitignore,
      cpus,
      dry: flags.dry === true,
      keepText: flags.print === true || flags.diff === true,
      parser: flags.parser,
      transform: flags.transform,
      projectPass: flags.project,
      runtimeImport: flags.runtimeImport,
      compatImport: flags.compatImport,
      onProgress: progress ? (done, total) => progress.update(done, total) : undefined,
    });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && USAGE_CODES.has(code)) throw new UsageError(`${(err as Error).message} (${code})`);
    throw err;
  } finally {
    progress?.stop();
  }

  if (flags.print || flags.diff) {
    const { renderDiff, renderPrint } = await import('../../codemods/show-changes.js');
    const color = useColor(process.stdout);
    for (const file of result.files) {
      if (file.status !== 'changed') continue;
      const name = displayPath(file.file, result.cwd);
      process.stdout.write((flags.diff ? renderDiff(file, name, color) : renderPrint(file, name, color)) + '\n');
    }
  }
  if (flags.report) {
    const { writeReport } = await import('../../codemods/report.js');
    await writeReport(flags.report, result);
  }
  if (!flags.silent) {
    const { renderSummary } = await import('../../codemods/summary.js');
    process.stderr.write(renderSummary(result, { color: useColor(process.stderr) }));
  }
  return result.exitCode;
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
function useColor(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY === true && !('NO_COLOR' in process.env);
}

function parseCpus(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--cpus must be a whole number of at least 1, got "${value}"`);
  return n;
}

async function checkReportPath(report: string): Promise<void> {
  const { dirname, resolve } = await import('node:path');
  const { stat } = await import('node:fs/promises');
  const dir = dirname(resolve(report));
  const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (!isDir) throw new UsageError(`--report: directory "${dir}" does not exist`);
}

interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

async function createProgress(): Promise<Progress> {
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    format: 'codemod [{bar}] {value}/{total} files',
    clearOnComplete: true,
    hideCursor: true,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(done, total) {
      if (!started) { bar.start(total, done); started = true; } else bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
