import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deadUrl } from './__testfixtures__/dead-url.js';
import { createCandidateBreaker } from './shadow-breaker.js';
import { startShadow, type ShadowOptions, type ShadowProxy } from './shadow-proxy.js';

describe('candidate circuit breaker (state machine)', () => {
  function breakerAt(failures: number, cooldownMs: number) {
    let clock = 0;
    let opens = 0;
    const breaker = createCandidateBreaker({ failures, cooldownMs, now: () => clock, onOpen: () => void opens++ });
    return { breaker, advance: (ms: number) => void (clock += ms), opens: () => opens };
  }

  it('opens after that many failures in a row; an answer in between resets the count', () => {
    const { breaker, opens } = breakerAt(3, 1000);
    breaker.failed('pass');
    breaker.failed('pass');
    breaker.succeeded('pass');
    breaker.failed('pass');
    breaker.failed('pass');
    expect(breaker.state).toBe('closed');
    breaker.failed('pass');
    expect(breaker.state).toBe('open');
    expect(opens()).toBe(1);
    expect(breaker.admits()).toBe(false);
    expect(breaker.take()).toBeUndefined();
    breaker.countSkipped();
    expect(breaker.snapshot()).toEqual({ state: 'open', opened: 1, skipped: 1 });
  });

  it('lets one probe through after the cooldown; its answer closes the breaker', () => {
    const { breaker, advance } = breakerAt(1, 1000);
    breaker.failed('pass');
    advance(999);
    expect(breaker.take()).toBeUndefined();
    advance(1);
    expect(breaker.admits()).toBe(true);
    expect(breaker.take()).toBe('probe');
    expect(breaker.state).toBe('half-open');
    // Only one probe at a time.
    expect(breaker.admits()).toBe(false);
    expect(breaker.take()).toBeUndefined();
    // A late answer to a request sent before the breaker opened decides nothing.
    breaker.succeeded('pass');
    expect(breaker.state).toBe('half-open');
    breaker.succeeded('probe');
    expect(breaker.state).toBe('closed');
    expect(breaker.take()).toBe('pass');
  });

  it('opens again for another cooldown when the probe fails', () => {
    const { breaker, advance, opens } = breakerAt(2, 500);
    breaker.failed('pass');
    breaker.failed('pass');
    advance(500);
    expect(breaker.take()).toBe('probe');
    breaker.failed('probe');
    expect(breaker.state).toBe('open');
    expect(opens()).toBe(2);
    expect(breaker.take()).toBeUndefined();
    advance(500);
    expect(breaker.take()).toBe('probe');
  });

  it('ignores failures of requests sent before it opened, and never opens with failures 0', () => {
    const { breaker } = breakerAt(1, 1000);
    breaker.failed('pass');
    breaker.failed('pass');
    breaker.failed('pass');
    expect(breaker.snapshot().opened).toBe(1);
    const never = breakerAt(0, 1000).breaker;
    for (let i = 0; i < 100; i++) never.failed('pass');
    expect(never.snapshot()).toEqual({ state: 'closed', opened: 0, skipped: 0 });
  });
});

const servers: http.Server[] = [];
const proxies: ShadowProxy[] = [];

afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.stop()));
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function shadow(options: ShadowOptions): Promise<ShadowProxy> {
  // Load shedding off: a busy test machine must not shed the mirrors these tests count.
  const p = await startShadow({ maxMirrorLagMs: 0, mirrorYieldMs: 0, ...options });
  proxies.push(p);
  return p;
}

const primaryApp: http.RequestListener = (req, res) => {
  res.writeHead(201, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ side: 'primary', url: req.url }));
};

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

/** Every client gets the primary's own answer for its URL. */
async function expectPrimaryAnswers(proxy: ShadowProxy, paths: string[]): Promise<void> {
  for (const path of paths) {
    const res = await get(`${proxy.url}${path}`);
    expect(res.status).toBe(201);
    expect(JSON.parse(res.body)).toEqual({ side: 'primary', url: path });
  }
}

/** Polls until `check` passes: the mirror runs after the client's answer, off the hot path. */
async function eventually(check: () => void, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}


const paths = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `/${prefix}/${i}`);

describe('shadow proxy: a candidate that stopped answering is cut off', () => {
  it('a candidate that accepts and never answers: the breaker opens, later mirrors are not sent, clients get the primary', async () => {
    let received = 0;
    const candidate = await serve(() => {
      received++;
      // never answers
    });
    const proxy = await shadow({ primary: await serve(primaryApp), candidate, concurrency: 2, breakerFailures: 3, breakerCooldownMs: 60_000, mirrorTimeoutMs: 100 });
    await expectPrimaryAnswers(proxy, paths('a', 3));
    await eventually(() => expect(proxy.stats().mirror.breaker.state).toBe('open'));
    await expectPrimaryAnswers(proxy, paths('b', 20));
    await eventually(() => expect(proxy.stats().mirror.lost).toBe(23));
    const s = proxy.stats();
    // The three sent before it opened timed out; nothing was sent once it was open.
    expect(s.candidateErrors.timeout).toBe(3);
    expect(s.mirror.breaker).toEqual({ state: 'open', opened: 1, skipped: 20 });
    expect(received).toBeLessThanOrEqual(3);
    expect(s.served.primary).toBe(23);
    const report = await proxy.stop();
    expect(report.totals.lost).toBe(23);
    expect(report.lost.filter((l) => l.message.includes('circuit breaker open'))).toHaveLength(s.mirror.breaker.skipped);
    expect(report.targetErrors).toEqual([{ side: 'candidate', message: expect.stringMatching(/circuit breaker opened 1 time.*\d+ mirror request\(s\) were not sent/) }]);
    expect(report.outcome).toBe('fail');
  });

  it('clears the mirror jobs queued for the candidate when the breaker opens', async () => {
    const candidate = await serve(() => {});
    const proxy = await shadow({ primary: await serve(primaryApp), candidate, concurrency: 1, queueSize: 100, breakerFailures: 1, breakerCooldownMs: 60_000, mirrorTimeoutMs: 500 });
    await expectPrimaryAnswers(proxy, paths('q', 6));
    // One job hangs, five wait; its timeout opens the breaker and the five are not sent.
    await eventually(() => expect(proxy.stats().mirror.lost).toBe(6));
    const s = proxy.stats();
    expect(s.mirror.breaker.state).toBe('open');
    expect(s.mirror.waiting).toBe(0);
    expect(s.candidateErrors.timeout).toBe(1);
    expect(s.mirror.breaker.skipped).toBe(5);
  });

  it('closes again when the candidate recovers: the probe after the cooldown answers, mirroring resumes', async () => {
    let hanging = true;
    const candidate = await serve((req, res) => {
      if (hanging) return;
      primaryApp(req, res);
    });
    const proxy = await shadow({ primary: await serve(primaryApp), candidate, breakerFailures: 2, breakerCooldownMs: 150, mirrorTimeoutMs: 100 });
    await expectPrimaryAnswers(proxy, paths('down', 2));
    await eventually(() => expect(proxy.stats().mirror.breaker.state).toBe('open'));
    hanging = false;
    // Requests keep coming; once the cooldown is over one of them is the probe, and it is answered.
    let i = 0;
    await eventually(() => {
      get(`${proxy.url}/up/${i++}`).catch(() => undefined);
      expect(proxy.stats().mirror.breaker.state).toBe('closed');
    });
    const comparedBefore = proxy.stats().mirror.compared;
    await expectPrimaryAnswers(proxy, paths('after', 5));
    await eventually(() => expect(proxy.stats().mirror.compared).toBe(comparedBefore + 5));
    const s = proxy.stats();
    expect(s.mirror.breaker.opened).toBe(1);
    expect(s.mirror.differing).toBe(0);
  });

  it('opens again when the probe fails, each cooldown sending one probe only', async () => {
    let received = 0;
    const candidate = await serve(() => void received++);
    const proxy = await shadow({ primary: await serve(primaryApp), candidate, breakerFailures: 1, breakerCooldownMs: 100, mirrorTimeoutMs: 50 });
    await expectPrimaryAnswers(proxy, paths('x', 1));
    await eventually(() => expect(proxy.stats().mirror.breaker.opened).toBe(1));
    const receivedAtFirstOpen = received;
    let i = 0;
    await eventually(() => {
      get(`${proxy.url}/y/${i++}`).catch(() => undefined);
      expect(proxy.stats().mirror.breaker.opened).toBeGreaterThanOrEqual(3);
    });
    const s = proxy.stats();
    // Each opening is one failed request: the first one, then one probe per cooldown (one may still be out).
    expect(s.candidateErrors.timeout).toBe(s.mirror.breaker.opened);
    expect(received - receivedAtFirstOpen).toBeLessThanOrEqual(s.mirror.breaker.opened);
    expect(s.mirror.breaker.skipped).toBeGreaterThan(0);
  });

  it('a candidate that refuses connections: a few failures, then nothing is sent', async () => {
    const proxy = await shadow({ primary: await serve(primaryApp), candidate: await deadUrl(), breakerCooldownMs: 60_000 });
    await expectPrimaryAnswers(proxy, paths('r', 40));
    await eventually(() => expect(proxy.stats().mirror.lost).toBe(40));
    const s = proxy.stats();
    expect(s.mirror.breaker.state).toBe('open');
    expect(s.mirror.breaker.opened).toBe(1);
    // Each mirror either went out and was refused, or was not sent because the breaker was open.
    expect(s.candidateErrors.connection + s.mirror.breaker.skipped).toBe(40);
    expect(s.candidateErrors.connection).toBeGreaterThanOrEqual(5);
    expect(s.mirror.breaker.skipped).toBeGreaterThan(0);
    const report = await proxy.stop();
    expect(report.totals.candidateFailures).toBe(s.candidateErrors.connection);
    expect(report.routes.every((r) => r.verdict === 'not ready')).toBe(true);
  });

  it('a candidate answering 500 is compared, never cut off', async () => {
    const candidate = await serve((_req, res) => res.writeHead(500).end('boom'));
    const proxy = await shadow({ primary: await serve(primaryApp), candidate, breakerFailures: 1 });
    await expectPrimaryAnswers(proxy, paths('e', 10));
    await eventually(() => expect(proxy.stats().mirror.compared).toBe(10));
    expect(proxy.stats().mirror.breaker).toEqual({ state: 'closed', opened: 0, skipped: 0 });
    expect(proxy.stats().mirror.differing).toBe(10);
  });

  it('cutover: once the breaker is open, requests chosen for the candidate are answered by the primary without waiting', async () => {
    const logFile = join(await mkdtemp(join(tmpdir(), 'exw-breaker-')), 'answers.ndjson');
    let received = 0;
    const candidate = await serve(() => void received++);
    const proxy = await shadow({
      primary: await serve(primaryApp),
      candidate,
      cutoverRoutes: ['GET /new/{id}'],
      cutoverTimeoutMs: 100,
      breakerFailures: 2,
      breakerCooldownMs: 60_000,
      logFile,
    });
    await expectPrimaryAnswers(proxy, paths('new', 7));
    const s = proxy.stats();
    expect(s.served).toEqual({ primary: 0, candidate: 0, fallback: 7 });
    expect(s.mirror.breaker).toMatchObject({ state: 'open', opened: 1 });
    expect(s.candidateErrors.timeout).toBe(2);
    expect(received).toBeLessThanOrEqual(2);
    await proxy.stop();
    const reasons = (await readFile(logFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l).fallbackReason as string);
    expect(reasons.slice(0, 2)).toEqual([expect.stringContaining('timeout'), expect.stringContaining('timeout')]);
    expect(reasons.slice(2)).toEqual(Array(5).fill('candidate circuit breaker open (it stopped answering)'));
  });

  it('rejects a bad breaker option with a coded error', async () => {
    const primary = await serve(primaryApp);
    await expect(startShadow({ primary, candidate: primary, breakerFailures: 1.5 })).rejects.toMatchObject({ code: 'EXW_ERR_SHADOW_OPTION' });
    await expect(startShadow({ primary, candidate: primary, breakerCooldownMs: 0 })).rejects.toMatchObject({ code: 'EXW_ERR_SHADOW_OPTION' });
  });
});
