import { describe, expect, it } from 'vitest';
import { pickCorpus, runCodemodCorpus } from '../../bench/hardening/codemod-corpus.js';

describe('codemod runner over real files (short run: 100; `npm run hardening -- --codemods 1000` is the long one)', () => {
  it('picks the corpus deterministically', () => {
    expect(pickCorpus(50)).toEqual(pickCorpus(50));
    expect(pickCorpus(50)).toHaveLength(50);
  });

  it('never crashes, every rewrite parses, and the second run is a no-op', async () => {
    const report = await runCodemodCorpus(100);
    expect(report.filesPicked).toBe(100);
    expect(report.runnerCrashes).toBe(0);
    // The corpus starts with Express apps, so the rewrite path really runs.
    expect(report.firstRun.changed).toBeGreaterThan(0);
    expect(report.rewrittenThatDoNotParse).toEqual([]);
    expect(report.secondRunChanged).toEqual([]);
    expect(report.failuresByCode.EXW_ERR_CODEMOD_RUNNER_WORKER ?? 0).toBe(0);
  }, 120_000);
});
