/**
 * verify (replay) with a candidate that dies mid-run, and a 1 GB traffic
 * file streamed with bounded memory.
 *
 * Kill: a traffic file of `requests` GETs is replayed against a baseline and
 * a candidate target process; once a seeded share of the replay is done the
 * candidate is killed (SIGKILL). verify must return (bounded by its own
 * per-request timeout), and every request must be accounted for in the
 * report: compared + lost + skipped = requests.
 *
 * Big file: NDJSON exchanges are written on the fly into a temp dir until
 * the file reaches `bytes`, then read back through verify's streaming reader
 * (readTraffic) while the heap and RSS are sampled; the file is deleted.
 */
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { readTraffic, verify } from '../../verify/index.js';
import { createPrng } from './prng.js';
import { startTarget } from './spawn-target.js';

function exchangeLine(i: number, padding = ''): string {
  return JSON.stringify({
    v: 1,
    id: `h${i}`,
    ts: new Date(Date.UTC(2026, 10, 23, 0, 0, 0, i % 1000)).toISOString(),
    request: { method: 'GET', url: `/users/${i}`, headers: { host: '127.0.0.1', 'x-pad': padding } },
    response: { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ id: String(i) }) },
  });
}

export interface VerifyKillReport {
  requests: number;
  killedAt: number;
  returned: boolean;
  totals: { requests: number; compared: number; matched: number; lost: number; skipped: number };
  accountedFor: number;
  lostListed: number;
}

export async function runVerifyKill(requests: number, seed: number): Promise<VerifyKillReport> {
  const rng = createPrng(seed);
  const killedAt = rng.int(Math.floor(requests / 4), Math.floor((requests * 3) / 4));
  const dir = mkdtempSync(join(tmpdir(), 'exw-verify-kill-'));
  const traffic = join(dir, 'traffic.ndjson');
  writeFileSync(traffic, Array.from({ length: requests }, (_, i) => exchangeLine(i)).join('\n') + '\n');
  const baseline = await startTarget({}, []);
  const candidate = await startTarget({}, []);
  try {
    const report = await verify({
      baseline: `http://127.0.0.1:${baseline.port}`,
      candidate: `http://127.0.0.1:${candidate.port}`,
      traffic,
      concurrency: 8,
      timeoutMs: 3_000,
      outDir: dir,
      redact: false,
      onProgress: (p) => {
        if (p.phase === 'replaying' && p.done >= killedAt && candidate.alive()) candidate.child.kill('SIGKILL');
      },
    });
    const t = report.totals;
    return {
      requests,
      killedAt,
      returned: true,
      totals: { requests: t.requests, compared: t.compared, matched: t.matched, lost: t.lost, skipped: t.skipped },
      accountedFor: t.compared + t.lost + t.skipped,
      lostListed: report.lost.length,
    };
  } finally {
    await baseline.stop();
    await candidate.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface BigTrafficReport {
  bytes: number;
  /** Lines written to the file. */
  entriesWritten: number;
  /** Entries the reader gave back. */
  entries: number;
  malformed: number;
  rssBefore: number;
  rssPeak: number;
  heapPeak: number;
}

/** Writes `bytes` of NDJSON (1 KiB lines) on the fly, honouring backpressure; returns the line count. */
async function writeBigTraffic(path: string, bytes: number): Promise<number> {
  const out = createWriteStream(path);
  const padding = 'p'.repeat(800);
  let written = 0;
  let lines = 0;
  for (let i = 0; written < bytes; i++) {
    const line = exchangeLine(i, padding) + '\n';
    written += Buffer.byteLength(line);
    lines++;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return lines;
}

export async function runBigTraffic(bytes: number): Promise<BigTrafficReport> {
  const dir = mkdtempSync(join(tmpdir(), 'exw-big-traffic-'));
  const path = join(dir, 'traffic.ndjson');
  try {
    const entriesWritten = await writeBigTraffic(path, bytes);
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    let heapPeak = 0;
    let entries = 0;
    let malformed = 0;
    const { entries: stream } = await readTraffic(path);
    for await (const entry of stream) {
      if ('error' in entry && entry.error) malformed++;
      else entries++;
      if (entries % 10_000 === 0) {
        const m = process.memoryUsage();
        rssPeak = Math.max(rssPeak, m.rss);
        heapPeak = Math.max(heapPeak, m.heapUsed);
      }
    }
    return { bytes, entriesWritten, entries, malformed, rssBefore, rssPeak, heapPeak };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
