import { describe, expect, it } from 'vitest';
import { statsLine } from './shadow-run.js';
import type { ShadowSnapshot } from './shadow-stats.js';

const snapshot: ShadowSnapshot = {
  uptimeSeconds: 10,
  requests: 1200,
  served: { primary: 1100, candidate: 90, fallback: 10 },
  primaryErrors: 0,
  mirror: { waiting: 2, running: 3, dropped: 4, shed: 5, shedding: true, lagMs: 150, breaker: { state: 'open', opened: 1, skipped: 8 }, compared: 1000, matched: 990, differing: 10, lost: 6, skipped: 7 },
  parity: 99,
  candidateErrors: { timeout: 1, connection: 2, status5xx: 3 },
  routes: [],
};

describe('statsLine', () => {
  it('summarises served sides, mirror state and candidate errors on one line', () => {
    const line = statsLine(snapshot, 123.4, false);
    expect(line).toBe(
      'shadow 1200 req (123/s) | served P 1100 C 90 fallback 10 | mirror compared 1000 parity 99% queue 2+3 dropped 4 shed 5 (lag 150 ms) breaker open skipped 8 lost 6 | candidate errors 6',
    );
    expect(line).not.toContain('\u001b');
    expect(statsLine(snapshot, 1, true)).toContain('\u001b[');
  });

  it('leaves the breaker out while it never opened', () => {
    const quiet = { ...snapshot, mirror: { ...snapshot.mirror, breaker: { state: 'closed' as const, opened: 0, skipped: 0 } } };
    expect(statsLine(quiet, 1, false)).not.toContain('breaker');
  });
});
