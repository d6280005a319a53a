/**
 * Soak: for `seconds`, virtual clients against the target child process
 * keep connecting and vanishing: HTTP keep-alive bursts, WebSocket echo
 * sessions (closed cleanly or dropped without a close frame), SSE readers
 * that leave mid-stream. The child's RSS, heap and active handles are
 * sampled; the report gives their least-squares slope over the second half
 * of the run (the first half is warm-up) and what is left once every client
 * has gone.
 */
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { createPrng, type Prng } from './prng.js';
import { startTarget, type TargetProcess } from './spawn-target.js';
import type { TargetStats } from './target-process.js';

export interface SoakOptions {
  seconds: number;
  /** Virtual clients running at once. */
  clients: number;
  sampleEveryMs: number;
  seed: number;
}

export interface SoakSample extends TargetStats {
  at: number;
}

export interface SoakReport {
  seconds: number;
  sessions: { http: number; websocket: number; sse: number; failed: number };
  /** Why sessions failed: "<kind>: <message>" -> count. */
  failures: Record<string, number>;
  samples: number;
  rssStart: number;
  rssEnd: number;
  /** Bytes per minute over the second half of the run. */
  rssSlopePerMinute: number;
  heapSlopePerMinute: number;
  handlesSlopePerMinute: number;
  handlesBefore: number;
  /** After every client left and the server settled. */
  handlesAfter: number;
  connectionsAfter: number;
  crashed: boolean;
}

async function httpSession(port: number, rng: Prng): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = rng.int(1, 10); i > 0; i--) {
      const res = await fetchStatus(port, rng.pick(['/', '/users/1', '/q?a=1', '/missing']), agent);
      if (res >= 500) throw new Error(`status ${res}`);
    }
  } finally {
    agent.destroy();
  }
}

function fetchStatus(port: number, path: string, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

function wsSession(port: number, rng: Prng): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    const messages = rng.int(1, 20);
    const vanish = rng.chance(0.5);
    let got = 0;
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('websocket session timed out'));
    }, 10_000);
    ws.on('open', () => ws.send('ping 0'));
    ws.on('message', () => {
      if (++got < messages) return void ws.send(`ping ${got}`);
      clearTimeout(timer);
      // Half the clients vanish without a close frame, as a dropped network would.
      if (vanish) ws.terminate();
      else ws.close(1000);
      resolve();
    });
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

function sseSession(port: number, rng: Prng): Promise<void> {
  return new Promise((resolve, reject) => {
    const wanted = rng.int(1, 10);
    const req = http.get({ host: '127.0.0.1', port, path: '/sse', timeout: 10_000 }, (res) => {
      let events = 0;
      res.on('data', (chunk: Buffer) => {
        events += chunk.toString('utf8').split('\n\n').length - 1;
        if (events >= wanted) {
          req.destroy(); // leave mid-stream
          resolve();
        }
      });
      res.on('end', resolve);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(err)));
  });
}

/** Least-squares slope of y over x (x in ms), per minute. */
export function slopePerMinute(points: Array<{ x: number; y: number }>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 60_000;
}

async function settle(target: TargetProcess): Promise<TargetStats> {
  let stats = await target.stats();
  for (let i = 0; i < 100 && stats.connections > 0; i++) {
    await sleep(100);
    stats = await target.stats();
  }
  return stats;
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const { seconds, clients, sampleEveryMs, seed } = options;
  const target = await startTarget();
  const sessions = { http: 0, websocket: 0, sse: 0, failed: 0 };
  const failures: Record<string, number> = {};
  const samples: SoakSample[] = [];
  try {
    const before = await target.stats();
    const began = Date.now();
    const until = began + seconds * 1_000;
    const client = async (id: number): Promise<void> => {
      const rng = createPrng(seed + id);
      while (Date.now() < until && target.alive()) {
        const kind = rng.pick(['http', 'http', 'websocket', 'sse'] as const);
        try {
          if (kind === 'http') await httpSession(target.port, rng);
          else if (kind === 'websocket') await wsSession(target.port, rng);
          else await sseSession(target.port, rng);
          sessions[kind]++;
        } catch (err) {
          sessions.failed++;
          const reason = `${kind}: ${(err as Error).message ?? String(err)}`.slice(0, 120);
          failures[reason] = (failures[reason] ?? 0) + 1;
        }
      }
    };
    const sampler = (async () => {
      while (Date.now() < until && target.alive()) {
        samples.push({ at: Date.now() - began, ...(await target.stats()) });
        await sleep(sampleEveryMs);
      }
    })();
    await Promise.all([...Array.from({ length: clients }, (_, i) => client(i)), sampler]);
    const after = await settle(target);
    const second = samples.filter((s) => s.at >= (seconds * 1_000) / 2);
    const slope = (pick: (s: SoakSample) => number): number => slopePerMinute(second.map((s) => ({ x: s.at, y: pick(s) })));
    return {
      seconds,
      sessions,
      failures,
      samples: samples.length,
      rssStart: samples[0]?.rss ?? before.rss,
      rssEnd: samples.at(-1)?.rss ?? before.rss,
      rssSlopePerMinute: Math.round(slope((s) => s.rss)),
      heapSlopePerMinute: Math.round(slope((s) => s.heapUsed)),
      handlesSlopePerMinute: Math.round(slope((s) => s.handles) * 10) / 10,
      handlesBefore: before.handles,
      handlesAfter: after.handles,
      connectionsAfter: after.connections,
      crashed: !target.alive(),
    };
  } finally {
    await target.stop();
  }
}
