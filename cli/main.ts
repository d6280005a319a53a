#!/usr/bin/env node
/**
 * The `expressway` command. Thin on purpose: it parses flags and hands off to
 * codemods/, verify/ and compat/. Every subcommand lives in cli/commands/ and
 * imports its heavy tooling lazily inside its action, so `expressway --help`
 * never loads jscodeshift, ts-morph or autocannon.
 *
 * Exit codes: 0 success, 1 the work ran and found failures, 2 bad usage or
 * unusable input.
 */
import { Command, CommanderError } from 'commander';
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { registerCodemod } from './commands/codemod.js';
import { registerRecord } from './commands/record.js';
import { registerVerify } from './commands/verify.js';
import { registerBench } from './commands/bench.js';
import { registerShadow } from './commands/shadow.js';
import { registerReport } from './commands/report.js';
import { registerMigrate } from './commands/migrate.js';
import { EXIT_USAGE, UsageError } from './exit.js';

/** The package's own package.json: two levels up from dist/cli/, one from cli/ when run from source. */
function readOwnPackage(): { version: string } {
  for (const relative of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'expressway') return pkg;
    } catch {
      // not at this level; try the next one
    }
  }
  return { version: '0.0.0' };
}
const pkg = readOwnPackage();

export function buildProgram(): Command {
  const program = new Command('expressway')
    .description('Move Express apps onto the Expressway runtime, and prove the move is safe.')
    .version(pkg.version)
    .showHelpAfterError()
    .exitOverride();
  for (const register of [registerCodemod, registerRecord, registerVerify, registerBench, registerShadow, registerReport, registerMigrate]) {
    register(program);
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return err.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (err instanceof UsageError || (err as { exitCode?: number }).exitCode === EXIT_USAGE) {
      process.stderr.write(`expressway: ${(err as Error).message}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`expressway: ${(err as Error)?.stack ?? String(err)}\n`);
    return 1;
  }
}

/** True when this file is the program node started (directly, through the npm bin link, or via tsx). */
function isEntryPoint(): boolean {
  const started = process.argv[1];
  if (!started) return false;
  try {
    return realpathSync(started) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
