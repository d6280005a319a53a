import type { Command } from 'commander';
import { EXIT_FAILURE, UsageError } from '../exit.js';

interface OutputFlags {
  html?: string;
  junit?: string;
  quiet?: boolean;
}

export function registerReport(program: Command): void {
  const report = program.command('report').description('Render and merge verify reports (JSON).');

  report
    .command('merge')
    .description('Combine shard reports (--shard i/n) into one; exit 1 when the merged run fails its thresholds.')
    .argument('<reports...>', 'shard reports (JSON) to merge')
    .requiredOption('--out <file>', 'merged report (JSON)')
    .option('--html <file>', 'also write the HTML page')
    .option('--junit <file>', 'also write JUnit XML')
    .option('--quiet', 'no terminal summary')
    .action(async (files: string[], flags: OutputFlags & { out: string }) => {
      const { readReport, mergeReports } = await import('../../verify/report-merge.js');
      const { writeFileAtomic } = await import('../../shared/atomic-write.js');
      const merged = await asUsage(async () => mergeReports(await Promise.all(files.map(readReport))));
      await writeFileAtomic(flags.out, JSON.stringify(merged, null, 2) + '\n');
      await writeOutputs(merged, flags);
      if (merged.outcome === 'fail') process.exitCode = EXIT_FAILURE;
    });

  report
    .command('render')
    .description('Print a report as the terminal summary, and optionally write it as HTML and JUnit XML.')
    .argument('<report>', 'report (JSON)')
    .option('--html <file>', 'write the HTML page')
    .option('--junit <file>', 'write JUnit XML')
    .option('--quiet', 'no terminal summary')
    .action(async (file: string, flags: OutputFlags) => {
      const { readReport } = await import('../../verify/report-merge.js');
      const { report: loaded } = await asUsage(() => readReport(file));
      await writeOutputs(loaded, flags);
    });
}

async function writeOutputs(report: import('../../verify/report-model.js').Report, flags: OutputFlags): Promise<void> {
  const { writeFileAtomic } = await import('../../shared/atomic-write.js');
  if (flags.html) {
    const { renderHtml } = await import('../../verify/report-html.js');
    await writeFileAtomic(flags.html, renderHtml(report));
  }
  if (flags.junit) {
    const { renderJunit } = await import('../../verify/report-junit.js');
    await writeFileAtomic(flags.junit, renderJunit(report));
  }
  if (!flags.quiet) {
    const { renderTerminal } = await import('../../verify/report-terminal.js');
    process.stdout.write(renderTerminal(report));
  }
}

/** Unreadable, mismatched or overlapping reports are unusable input: exit 2 with the coded message. */
async function asUsage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('EXW_ERR_')) throw new UsageError(`${code}: ${(err as Error).message}`);
    throw err;
  }
}
