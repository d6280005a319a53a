/** The JSON result file: bench/results/<date>.json unless --out says otherwise. */
import { fileURLToPath } from 'node:url';
import { writeFileAtomicSync as writeFileAtomic } from '../../shared/atomic-write.js';
import type { BenchResult } from './results.js';

export function defaultResultPath(projectRoot: string, date: string): string {
  return `${projectRoot}/bench/results/${date.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`;
}

export function writeJsonResult(path: string, result: BenchResult): void {
  writeFileAtomic(path, `${JSON.stringify(result, null, 2)}\n`);
}

/** The repository root, from this file in bench/harness/ (sources) or dist/bench/harness/ (built). */
export function projectRoot(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  return here.replace(/\/(dist\/)?bench\/harness\/$/, '');
}
