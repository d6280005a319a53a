/**
 * Step 4: the processes compared. The original runs twice, as two separate
 * processes (primary and secondary, Diffy's method: what differs between two
 * runs of the same code, like per-process counters and timestamps, is noise,
 * not a regression), the migrated copy once. Each gets a free port through
 * PORT (verify/targets.ts), NODE_ENV=test unless the caller's environment sets
 * it, and its log in the work dir. verify() replays to the two originals
 * as its baseline and secondary.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Target } from '../verify/targets.js';
import { commandPath, startCommand } from './app-entry.js';
import { MigrateErrors } from './errors.js';

export interface RunningApps {
  primary: Target;
  secondary: Target;
  candidate: Target;
  logs: { primary: string; secondary: string; candidate: string };
  stop(): Promise<void>;
}

export interface StartAppsOptions {
  appDir: string;
  copyDir: string;
  workDir: string;
  env: NodeJS.ProcessEnv;
  startTimeoutMs?: number;
}

type Role = 'primary' | 'secondary' | 'candidate';

export async function startApps(options: StartAppsOptions): Promise<RunningApps> {
  const { startTarget } = await import('../verify/targets.js');
  const original = startCommand(options.appDir).command;
  const migrated = startCommand(options.copyDir).command;
  const start = (role: Role, command: string, pathDirs: string[]) => startTarget(command, {
    side: role === 'candidate' ? 'candidate' : 'baseline',
    outDir: join(options.workDir, 'logs', role),
    env: { ...options.env, PATH: commandPath(...pathDirs) },
    ...(options.startTimeoutMs !== undefined ? { startTimeoutMs: options.startTimeoutMs } : {}),
  });
  const [primaryStart, candidateStart] = await Promise.allSettled([
    start('primary', original, [options.appDir]),
    start('candidate', migrated, [options.copyDir, options.appDir]),
  ]);
  // The secondary starts once the others listen: values the app derives from its start time (seeded
  // createdAt) then differ between the two baselines, as between two real instances, and are learned
  // as noise. Starting it after the others have bound their ports also keeps the free-port choice of
  // each start from racing another's.
  const [secondaryStart] = await Promise.allSettled([start('secondary', original, [options.appDir])]);
  const settled = [primaryStart!, secondaryStart!, candidateStart!];
  const failed = settled.findIndex((s) => s.status === 'rejected');
  if (failed >= 0) {
    await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
    // An original that cannot start is unusable input; a copy that cannot start is a failed migration.
    const reason = ((settled[failed] as PromiseRejectedResult).reason as Error).message;
    if (failed !== 2) throw MigrateErrors.EXW_ERR_MIGRATE_ORIGINAL_START(reason);
    const log = join(options.workDir, 'logs', 'candidate', 'candidate.log');
    const error = firstErrorLine(log);
    throw MigrateErrors.EXW_ERR_MIGRATE_CANDIDATE_START(error ? `${error} (log: ${log})` : reason);
  }
  const [primary, secondary, candidate] = settled.map((s) => (s as PromiseFulfilledResult<Target>).value) as [Target, Target, Target];
  return {
    primary,
    secondary,
    candidate,
    logs: { primary: primary.log ?? '', secondary: secondary.log ?? '', candidate: candidate.log ?? '' },
    async stop() {
      await Promise.all([primary.stop(), secondary.stop(), candidate.stop()]);
    },
  };
}

/** The line that names the error in a crashed app's log (`TypeError: app.listen is not a function`), with where it was thrown when the log says. */
function firstErrorLine(log: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(log, 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const index = lines.findIndex((l) => /^(\w*Error|Error \[\w+\])\b.*?:/.test(l.trim()));
  if (index < 0) return undefined;
  const at = lines.slice(index + 1).find((l) => /^\s+at /.test(l) && !l.includes('node_modules') && !l.includes('node:internal'));
  return `${lines[index]!.trim()}${at ? ` ${at.trim()}` : ''}`;
}
