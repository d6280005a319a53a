/**
 * Shadow mode with a candidate that dies: the shadow proxy (verify/) sits in
 * front of a primary and a candidate target process; a client sends
 * `requests` GETs through it, and the candidate is killed (SIGKILL) at a
 * seeded random point. The primary must answer every request through the
 * proxy, nothing may hang, stop() must return, and every mirrored request
 * must be accounted for: compared, lost (counted and listed in the report;
 * the lost count includes jobs dropped on a full queue or shed while the
 * proxy's event loop lagged) or skipped.
 */
import { startShadow } from '../../verify/index.js';
import { createPrng } from './prng.js';
import { startTarget } from './spawn-target.js';

export interface ShadowKillReport {
  requests: number;
  killedAfter: number;
  answeredByPrimary: number;
  clientFailures: number;
  mirror: { compared: number; lost: number; dropped: number; shed: number; skipped: number };
  /** compared + lost + skipped (lost includes dropped and shed): must equal the requests sent. */
  accountedFor: number;
  reportLost: number;
  stopped: boolean;
}

async function get(url: string): Promise<number> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

export async function runShadowKill(requests: number, seed: number): Promise<ShadowKillReport> {
  const rng = createPrng(seed);
  const killedAfter = rng.int(Math.floor(requests / 4), Math.floor((requests * 3) / 4));
  const primary = await startTarget({}, []);
  const candidate = await startTarget({}, []);
  try {
    const shadow = await startShadow({
      primary: `http://127.0.0.1:${primary.port}`,
      candidate: `http://127.0.0.1:${candidate.port}`,
      mirrorTimeoutMs: 2_000,
      redact: false,
    });
    let answeredByPrimary = 0;
    let clientFailures = 0;
    for (let i = 0; i < requests; i++) {
      if (i === killedAfter) candidate.child.kill('SIGKILL');
      const status = await get(`${shadow.url}/users/${i}`);
      if (status === 200) answeredByPrimary++;
      else clientFailures++;
    }
    const report = await shadow.stop();
    const m = shadow.stats().mirror;
    const mirror = { compared: m.compared, lost: m.lost, dropped: m.dropped, shed: m.shed, skipped: m.skipped };
    return {
      requests,
      killedAfter,
      answeredByPrimary,
      clientFailures,
      mirror,
      accountedFor: mirror.compared + mirror.lost + mirror.skipped,
      reportLost: (report as unknown as { lost?: unknown[] }).lost?.length ?? -1,
      stopped: true,
    };
  } finally {
    await primary.stop();
    await candidate.stop();
  }
}
