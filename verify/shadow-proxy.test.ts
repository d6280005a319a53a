import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { deadUrl } from './__testfixtures__/dead-url.js';
import { startShadow, type ShadowOptions, type ShadowProxy } from './shadow-proxy.js';

const servers: http.Server[] = [];
const proxies: ShadowProxy[] = [];

afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.stop()));
  for (const s of servers.splice(0)) s.closeAllConnections();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function serve(handler: http.RequestListener): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function shadow(options: ShadowOptions): Promise<ShadowProxy> {
  // Load shedding is off unless a test is about it: a busy test machine must not shed the mirrors other tests count.
  const p = await startShadow({ maxMirrorLagMs: 0, ...options });
  proxies.push(p);
  return p;
}

interface Raw {
  status: number;
  rawHeaders: string[];
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function request(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'GET', headers: init.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, rawHeaders: res.rawHeaders, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Polls until `check` passes (the mirror runs after the answer, off the hot path). */
async function eventually(check: () => void | Promise<void>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

async function closeRaw(server: net.Server): Promise<void> {
  await new Promise((r) => server.close(r));
}


const binary = randomBytes(70_000);
binary[10] = 0;

function primaryApp(): http.RequestListener {
  return (req, res) => {
    if (req.url === '/binary') {
      res.writeHead(200, [
        'Content-Type', 'application/octet-stream',
        'Set-Cookie', 'a=1; Path=/',
        'Set-Cookie', 'b=2; HttpOnly',
        'X-Custom', 'kept',
        'Content-Length', String(binary.length),
      ]);
      res.end(binary);
      return;
    }
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ side: 'primary', method: req.method, url: req.url, body }));
    });
  };
}

describe('shadow proxy: the client gets the primary answer', () => {
  it('returns the primary answer byte for byte: binary body, every Set-Cookie, headers', async () => {
    const primary = await serve(primaryApp());
    const candidate = await serve((_req, res) => res.end('other'));
    const proxy = await shadow({ primary: primary.url, candidate: candidate.url });
    const direct = await request(`${primary.url}/binary`);
    const through = await request(`${proxy.url}/binary`);
    expect(through.status).toBe(200);
    expect(through.body.equals(binary)).toBe(true);
    expect(through.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    expect(through.headers['x-custom']).toBe('kept');
    expect(through.headers['content-length']).toBe(String(binary.length));
    expect(through.headers['content-type']).toBe(direct.headers['content-type']);
  });

  it('streams a chunked answer as it comes, without buffering it', async () => {
    let finish: (() => void) | undefined;
    const primary = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first chunk;');
      // The rest only comes once the client has seen the first chunk: a buffering proxy would hang here.
      finish = () => res.end('second chunk');
    });
    const candidate = await serve((_req, res) => res.end('x'));
    const proxy = await shadow({ primary: primary.url, candidate: candidate.url });
    const answer = await new Promise<{ chunked: string | undefined; body: string }>((resolve, reject) => {
      http.get(`${proxy.url}/stream`, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          if (body === '' && c.includes('first chunk;')) finish!();
          body += c;
        });
        res.on('end', () => resolve({ chunked: res.headers['transfer-encoding'], body }));
      }).on('error', reject);
    });
    expect(answer.body).toBe('first chunk;second chunk');
    expect(answer.chunked).toBe('chunked');
  });

  it('retries a bodiless request once when a reused keep-alive socket was closed by the primary', async () => {
    // Connection 1 answers one request, then drops the socket when the next request arrives on it (the
    // keep-alive race Node documents); later connections answer normally.
    let connections = 0;
    const sockets: net.Socket[] = [];
    const raw = net.createServer((socket) => {
      sockets.push(socket);
      const n = ++connections;
      let requests = 0;
      socket.on('data', () => {
        requests++;
        if (n === 1 && requests > 1) return void socket.destroy();
        socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n${n}${requests}`);
      });
    });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    try {
      const candidate = await serve((_req, res) => res.end('x'));
      const primaryUrl = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
      const proxy = await shadow({ primary: primaryUrl, candidate: candidate.url, methods: [] });
      expect((await request(`${proxy.url}/a`)).body.toString()).toBe('11');
      const second = await request(`${proxy.url}/b`);
      expect(second.status).toBe(200);
      expect(second.body.toString()).toBe('21');
      expect(proxy.stats().primaryErrors).toBe(0);
    } finally {
      for (const socket of sockets) socket.destroy();
      await closeRaw(raw);
    }
  });

  it('passes request bodies and methods through to the primary', async () => {
    const primary = await serve(primaryApp());
    const candidate = await serve((_req, res) => res.end('x'));
    const proxy = await shadow({ primary: primary.url, candidate: candidate.url });
    const res = await request(`${proxy.url}/items?x=1`, { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(201);
    expect(JSON.parse(res.body.toString())).toEqual({ side: 'primary', method: 'POST', url: '/items?x=1', body: 'hello' });
  });
});

describe('shadow proxy: streaming and flow control', () => {
  it('relays a large answer to a client that reads slowly, completely and in order', async () => {
    const big = randomBytes(8 * 1024 * 1024);
    const primary = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(big.length) });
      res.end(big);
    });
    const candidate = await serve((_req, res) => res.end('x'));
    const proxy = await shadow({ primary: primary.url, candidate: candidate.url });
    const received = await new Promise<Buffer>((resolve, reject) => {
      http.get(`${proxy.url}/big`, { agent: false }, (res) => {
        const chunks: Buffer[] = [];
        // Stop reading for a while: the proxy's buffers fill and it has to hold the primary back.
        res.pause();
        setTimeout(() => res.resume(), 300);
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks)));
        res.on('error', reject);
      }).on('error', reject);
    });
    expect(received.length).toBe(big.length);
    expect(received.equals(big)).toBe(true);
  });

  it('streams a chunked request body to the primary and mirrors a copy of it', async () => {
    const seen: string[] = [];
    const echo = (side: string): http.RequestListener => (req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push(`${side} ${req.headers['transfer-encoding']} ${body}`);
        res.end(`${side}:${body}`);
      });
    };
    const primary = await serve(echo('primary'));
    const candidate = await serve(echo('candidate'));
    const proxy = await shadow({ primary: primary.url, candidate: candidate.url, methods: ['POST'] });
    const answer = await new Promise<string>((resolve, reject) => {
      const req = http.request(`${proxy.url}/upload`, { method: 'POST', agent: false }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.write('part one, ');
      setTimeout(() => req.end('part two'), 50);
    });
    expect(answer).toBe('primary:part one, part two');
    await eventually(() => expect(seen).toEqual(['primary chunked part one, part two', 'candidate undefined part one, part two']));
  });

  it('answers Expect: 100-continue itself and forwards the body', async () => {
    const primary = await serve(primaryApp());
    const candidate = await serve((_req, res) => res.end('x'));
    const proxy = await shadow({ primary: primary.url, candidate: candidate.url });
    const answer = await new Promise<Raw>((resolve, reject) => {
      const req = http.request(`${proxy.url}/items`, { method: 'POST', agent: false, headers: { expect: '100-continue', 'content-length': '5' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, rawHeaders: res.rawHeaders, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('continue', () => req.end('hello'));
      req.on('error', reject);
    });
    expect(answer.status).toBe(201);
    expect(JSON.parse(answer.body.toString())).toMatchObject({ method: 'POST', body: 'hello' });
  });

  it('relays the final answer after an interim 103 Early Hints', async () => {
    const primary = await serve((_req, res) => {
      res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('final');
    });
    const candidate = await serve((_req, res) => res.end('x'));
    const proxy = await shadow({ primary: primary.url, candidate: candidate.url });
    const answer = await request(`${proxy.url}/hints`);
    expect(answer.status).toBe(200);
    expect(answer.body.toString()).toBe('final');
    expect(proxy.stats().primaryErrors).toBe(0);
  });

  it('ends the primary request when the client goes away mid-answer', async () => {
    let primaryClosed!: () => void;
    const closed = new Promise<void>((r) => (primaryClosed = r));
    const primary = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first chunk');
      // Never ends by itself: only the proxy giving up on it closes it.
      res.on('close', () => primaryClosed());
    });
    const candidate = await serve((_req, res) => res.end('x'));
    const proxy = await shadow({ primary: primary.url, candidate: candidate.url });
    await new Promise<void>((resolve, reject) => {
      const req = http.get(`${proxy.url}/endless`, { agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => undefined);
      setTimeout(() => reject(new Error('no first chunk')), 5_000);
    });
    await closed;
    expect(proxy.stats().primaryErrors).toBe(0);
  });
});

describe('shadow proxy: upgrades', () => {
  it('tunnels a WebSocket to the primary, and closes it on stop', async () => {
    const primary = await serve((_req, res) => res.end('http'));
    const wss = new WebSocketServer({ server: primary.server });
    wss.on('connection', (socket) => socket.on('message', (data) => socket.send(`primary echo: ${String(data)}`)));
    const candidate = await serve((_req, res) => res.end('x'));
    const proxy = await shadow({ primary: primary.url, candidate: candidate.url });
    const client = new WebSocket(`${proxy.url.replace('http', 'ws')}/live`);
    await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
    const reply = new Promise<string>((resolve) => client.once('message', (d) => resolve(String(d))));
    client.send('hi');
    expect(await reply).toBe('primary echo: hi');
    const closed = new Promise((resolve) => client.once('close', resolve));
    await proxy.stop();
    await closed;
    wss.close();
  });

  it('relays a refused upgrade as the primary answered it', async () => {
    const primary = await serve((_req, res) => res.writeHead(426, { 'content-type': 'text/plain' }).end('no upgrade here'));
    const candidate = await serve((_req, res) => res.end('x'));
    const proxy = await shadow({ primary: primary.url, candidate: candidate.url });
    const client = new WebSocket(`${proxy.url.replace('http', 'ws')}/live`);
    const status = await new Promise<number>((resolve) => client.once('unexpected-response', (_req, res) => resolve(res.statusCode!)));
    expect(status).toBe(426);
    client.on('error', () => {}); // terminating a handshake that never completed reports an error; expected here
    client.terminate();
  });
});

describe('shadow proxy: mirroring', () => {
  it('mirrors only safe methods, compares, and counts writes as not mirrored', async () => {
    const primary = await serve(primaryApp());
    const seen: string[] = [];
    const candidate = await serve((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      primaryApp()(req, res);
    });
    const proxy = await shadow({ primary: primary.url, candidate: candidate.url });
    await request(`${proxy.url}/a`);
    await request(`${proxy.url}/b`, { method: 'POST', body: 'x' });
    await request(`${proxy.url}/c`, { method: 'HEAD' });
    await request(`${proxy.url}/d`, { method: 'DELETE' });
    await eventually(() => expect(proxy.stats().mirror.compared).toBe(2));
    expect(seen.sort()).toEqual(['GET /a', 'HEAD /c']);
    const report = await proxy.stop();
    expect(report.totals.compared).toBe(2);
    expect(report.totals.matched).toBe(2);
    expect(report.totals.skipped).toBe(2);
    expect(report.skipped.map((s) => `${s.request.method} ${s.request.url}`).sort()).toEqual(['DELETE /d', 'POST /b']);
  });

  it('mirrors other methods when asked to', async () => {
    const primary = await serve(primaryApp());
    const seen: string[] = [];
    const candidate = await serve((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push(`${req.method} ${body}`);
        res.end();
      });
    });
    const proxy = await shadow({ primary: primary.url, candidate: candidate.url, methods: ['POST'] });
    await request(`${proxy.url}/b`, { method: 'POST', body: 'payload' });
    await request(`${proxy.url}/a`);
    await eventually(() => expect(seen).toEqual(['POST payload']));
  });

  it('finds real differences, groups them by route, and redacts secrets in them', async () => {
    const primary = await serve((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: req.url!.split('/')[2], name: 'Ada', token: 'primary-secret' }));
    });
    const candidate = await serve((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: req.url!.split('/')[2], name: 'Grace', token: 'candidate-secret' }));
    });
    const proxy = await shadow({ primary: primary.url, candidate: candidate.url });
    await request(`${proxy.url}/users/17`);
    await request(`${proxy.url}/users/18`);
    await eventually(() => expect(proxy.stats().mirror.compared).toBe(2));
    const report = await proxy.stop();
    expect(report.routes.map((r) => [r.route, r.compared, r.matched, r.verdict])).toEqual([['GET /users/{id}', 2, 0, 'not ready']]);
    const paths = report.differences.map((d) => d.path);
    expect(paths).toContain('/body/name');
    const name = report.differences.find((d) => d.path === '/body/name')!;
    expect([name.primary, name.candidate]).toEqual(['Ada', 'Grace']);
    expect(JSON.stringify(report)).not.toContain('primary-secret');
    expect(JSON.stringify(report)).not.toContain('candidate-secret');
  });

  it('ignores differences named by noise rules and lists them as the route\'s noise fields', async () => {
    let n = 0;
    const app: http.RequestListener = (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ name: 'Ada', ts: ++n, nested: { requestId: `r${n}` } }));
    };
    const primary = await serve(app);
    const candidate = await serve(app);
    const proxy = await shadow({
      primary: primary.url,
      candidate: candidate.url,
      rules: { version: 1, rules: [{ route: 'GET /users/{id}', fields: ['ts', 'requestId'] }] },
    });
    await request(`${proxy.url}/users/1`);
    await request(`${proxy.url}/users/2`);
    await eventually(() => expect(proxy.stats().mirror.compared).toBe(2));
    const report = await proxy.stop();
    expect(report.differences).toEqual([]);
    expect(report.routes[0]).toMatchObject({ route: 'GET /users/{id}', matched: 2, noiseFields: ['/body/nested/requestId', '/body/ts'], verdict: 'ready' });
  });

  it('drops and counts mirror jobs when the queue is full, while clients are answered', async () => {
    const primary = await serve(primaryApp());
    const candidate = await serve(() => {
      // never answers
    });
    const proxy = await shadow({ primary: primary.url, candidate: candidate.url, queueSize: 1, concurrency: 1, mirrorTimeoutMs: 10_000, drainTimeoutMs: 50 });
    for (let i = 0; i < 5; i++) {
      const res = await request(`${proxy.url}/n/${i}`);
      expect(res.status).toBe(201);
    }
    // One job runs (hanging), one waits, the other three are dropped.
    const stats = proxy.stats();
    expect(stats.mirror.dropped).toBe(3);
    expect(stats.mirror.running).toBe(1);
    expect(stats.mirror.waiting).toBe(1);
    const report = await proxy.stop();
    expect(report.lost.filter((l) => l.message.includes('queue full'))).toHaveLength(3);
    // Dropping is the proxy's choice, not the candidate's failure.
    expect(report.totals.candidateFailures).toBe(0);
  });
});

describe('shadow proxy: load shedding', () => {
  it('sheds mirror jobs while the event loop lags beyond the limit, and counts them', async () => {
    const primary = await serve(primaryApp());
    const seen: string[] = [];
    const candidate = await serve((req, res) => {
      seen.push(req.url!);
      res.end();
    });
    // Any real event loop lags a little behind its timers: a limit of 1 microsecond is always exceeded.
    const proxy = await shadow({ primary: primary.url, candidate: candidate.url, maxMirrorLagMs: 0.001 });
    await eventually(() => expect(proxy.stats().mirror.shedding).toBe(true), 10_000);
    const res = await request(`${proxy.url}/shed`);
    expect(res.status).toBe(201);
    await eventually(() => expect(proxy.stats().mirror.shed).toBe(1));
    expect(seen).toEqual([]);
    const report = await proxy.stop();
    expect(report.lost.map((l) => l.message)).toEqual([expect.stringContaining('mirror shed')]);
    expect(report.totals.candidateFailures).toBe(0);
  });

  it('does not shed with the default limit on an idle proxy', async () => {
    const primary = await serve(primaryApp());
    const candidate = await serve(primaryApp());
    const proxy = await startShadow({ primary: primary.url, candidate: candidate.url });
    proxies.push(proxy);
    await request(`${proxy.url}/x`);
    await eventually(() => expect(proxy.stats().mirror.compared).toBe(1));
    expect(proxy.stats().mirror.shed).toBe(0);
  });
});

describe('shadow proxy: a failing candidate never affects clients', () => {
  const cases: Array<[string, () => Promise<string>, Partial<ShadowOptions>]> = [
    ['down', deadUrl, {}],
    [
      'hanging',
      async () => (await serve(() => {})).url,
      { mirrorTimeoutMs: 200 },
    ],
    [
      'resetting',
      async () => (await serve((req) => req.socket.destroy())).url,
      {},
    ],
    [
      'answering 500 slowly',
      async () =>
        (
          await serve((_req, res) => {
            setTimeout(() => res.writeHead(500).end('boom'), 50);
          })
        ).url,
      {},
    ],
  ];
  for (const [name, makeCandidate, extra] of cases) {
    it(`candidate ${name}`, async () => {
      const primary = await serve(primaryApp());
      const proxy = await shadow({ primary: primary.url, candidate: await makeCandidate(), ...extra });
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => request(`${proxy.url}/r/${i}`)));
      for (const [i, a] of answers.entries()) {
        expect(a.status).toBe(201);
        expect(JSON.parse(a.body.toString()).url).toBe(`/r/${i}`);
      }
      await eventually(() => {
        const s = proxy.stats();
        expect(s.mirror.compared + s.mirror.lost).toBe(20);
      });
      const report = await proxy.stop();
      if (name.startsWith('answering')) expect(report.totals.differing).toBe(20);
      else {
        expect(report.totals.lost).toBe(20);
        // The primary answered every one of them: the candidate failed those sent to it (the first few at
        // least, until its circuit breaker opened; the rest were not sent), and the route is not ready.
        const { breaker } = proxy.stats().mirror;
        expect(report.totals.candidateFailures).toBeGreaterThanOrEqual(5);
        expect(report.totals.candidateFailures + breaker.skipped).toBe(20);
        expect(breaker.opened).toBe(1);
        expect(report.routes.every((r) => r.verdict === 'not ready')).toBe(true);
      }
    });
  }

  it('answers 502 when the primary itself is down, and keeps serving', async () => {
    const candidate = await serve((_req, res) => res.end('x'));
    const proxy = await shadow({ primary: await deadUrl(), candidate: candidate.url });
    const res = await request(`${proxy.url}/x`);
    expect(res.status).toBe(502);
    expect(proxy.stats().primaryErrors).toBe(1);
  });
});

describe('shadow proxy: progressive cutover', () => {
  function candidateApp(): http.RequestListener {
    return (req, res) => {
      if (req.url === '/new/fail') return void res.writeHead(503).end('down');
      if (req.url === '/new/reset') return void req.socket.destroy();
      if (req.url === '/new/hang') return;
      res.setHeader('content-type', 'application/json');
      res.setHeader('set-cookie', ['c1=1', 'c2=2']);
      res.end(JSON.stringify({ side: 'candidate', url: req.url }));
    };
  }

  it('answers chosen routes from the candidate and falls back invisibly, logging who served', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'exw-shadow-'));
    const logFile = join(dir, 'answers.ndjson');
    const primary = await serve(primaryApp());
    const candidate = await serve(candidateApp());
    const proxy = await shadow({
      primary: primary.url,
      candidate: candidate.url,
      cutoverRoutes: ['GET /new/{id}'],
      cutoverTimeoutMs: 300,
      logFile,
    });
    const fromCandidate = await request(`${proxy.url}/new/7`);
    expect(JSON.parse(fromCandidate.body.toString())).toEqual({ side: 'candidate', url: '/new/7' });
    expect(fromCandidate.headers['set-cookie']).toEqual(['c1=1', 'c2=2']);
    const old = await request(`${proxy.url}/old/7`);
    expect(JSON.parse(old.body.toString()).side).toBe('primary');
    for (const failing of ['fail', 'reset', 'hang']) {
      const res = await request(`${proxy.url}/new/${failing}`);
      expect(res.status).toBe(201);
      expect(JSON.parse(res.body.toString())).toMatchObject({ side: 'primary', url: `/new/${failing}` });
    }
    // A write on a cutover-selected method is not chosen by a GET route.
    const post = await request(`${proxy.url}/new/7`, { method: 'POST', body: 'x' });
    expect(JSON.parse(post.body.toString()).side).toBe('primary');
    const stats = proxy.stats();
    expect(stats.served).toEqual({ primary: 2 + 0, candidate: 1, fallback: 3 });
    await proxy.stop();
    const log = (await readFile(logFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(log.map((e) => [e.url, e.servedBy])).toEqual([
      ['/new/7', 'candidate'],
      ['/old/7', 'primary'],
      ['/new/fail', 'primary-fallback'],
      ['/new/reset', 'primary-fallback'],
      ['/new/hang', 'primary-fallback'],
      ['/new/7', 'primary'],
    ]);
    expect(log[2].fallbackReason).toContain('503');
    expect(log[4].fallbackReason).toContain('timeout');
  });

  it('answers a percentage of requests from the candidate', async () => {
    const primary = await serve(primaryApp());
    const candidate = await serve(candidateApp());
    let n = 0;
    // Every other draw is below 50: exactly half the requests go to the candidate.
    const proxy = await shadow({ primary: primary.url, candidate: candidate.url, cutoverPercent: 50, random: () => (n++ % 2 === 0 ? 0.1 : 0.9) });
    const sides: string[] = [];
    for (let i = 0; i < 6; i++) sides.push(JSON.parse((await request(`${proxy.url}/p/${i}`)).body.toString()).side);
    expect(sides).toEqual(['candidate', 'primary', 'candidate', 'primary', 'candidate', 'primary']);
    // Writes are never cut over by percentage.
    const post = await request(`${proxy.url}/p/x`, { method: 'POST', body: 'x' });
    expect(JSON.parse(post.body.toString()).side).toBe('primary');
  });

  it('streams a cutover write to the candidate without fallback', async () => {
    const primary = await serve(primaryApp());
    const candidate = await serve(candidateApp());
    const proxy = await shadow({ primary: primary.url, candidate: candidate.url, cutoverRoutes: ['POST /orders'] });
    const res = await request(`${proxy.url}/orders`, { method: 'POST', body: '{}' });
    expect(JSON.parse(res.body.toString()).side).toBe('candidate');
  });

  it('rejects bad options with coded errors', async () => {
    await expect(startShadow({ primary: 'ftp://x', candidate: 'http://127.0.0.1:1' })).rejects.toMatchObject({ code: 'EXW_ERR_SHADOW_TARGET' });
    await expect(startShadow({ primary: 'http://127.0.0.1:1', candidate: 'http://127.0.0.1:1', cutoverPercent: 150 })).rejects.toMatchObject({
      code: 'EXW_ERR_SHADOW_OPTION',
    });
    await expect(startShadow({ primary: 'http://127.0.0.1:1', candidate: 'http://127.0.0.1:1', cutoverRoutes: ['users'] })).rejects.toMatchObject({
      code: 'EXW_ERR_SHADOW_CUTOVER_ROUTES',
    });
    const taken = await serve((_req, res) => res.end());
    const port = Number(new URL(taken.url).port);
    await expect(startShadow({ primary: taken.url, candidate: taken.url, port })).rejects.toMatchObject({
      code: 'EXW_ERR_SHADOW_LISTEN',
      message: expect.stringContaining('EADDRINUSE'),
    });
  });
});

describe('shadow proxy: stats and the final report', () => {
  it('serves live stats as JSON without forwarding the request', async () => {
    const primaryHits: string[] = [];
    const primary = await serve((req, res) => {
      primaryHits.push(req.url!);
      res.end('ok');
    });
    const candidate = await serve((_req, res) => res.end('ok'));
    const proxy = await shadow({ primary: primary.url, candidate: candidate.url });
    await request(`${proxy.url}/one`);
    await request(`${proxy.url}/two`);
    await eventually(() => expect(proxy.stats().mirror.compared).toBe(2));
    const res = await request(`${proxy.url}/__expressway/stats`);
    expect(res.headers['content-type']).toContain('application/json');
    const stats = JSON.parse(res.body.toString());
    expect(stats).toMatchObject({ requests: 2, served: { primary: 2, candidate: 0, fallback: 0 }, mirror: { compared: 2, matched: 2, dropped: 0 }, parity: 100 });
    expect(stats.routes.map((r: { route: string }) => r.route)).toEqual(['GET /one', 'GET /two']);
    expect(primaryHits).toEqual(['/one', '/two']);
  });

  it('writes the final report (report-model JSON) on stop', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'exw-shadow-'));
    const reportFile = join(dir, 'report.json');
    const primary = await serve(primaryApp());
    const candidate = await serve(primaryApp());
    const proxy = await shadow({ primary: primary.url, candidate: candidate.url, reportFile });
    await request(`${proxy.url}/users/1`);
    await eventually(() => expect(proxy.stats().mirror.compared).toBe(1));
    const returned = await proxy.stop();
    const written = JSON.parse(await readFile(reportFile, 'utf8'));
    expect(written).toEqual(JSON.parse(JSON.stringify(returned)));
    expect(written).toMatchObject({
      version: 1,
      tool: 'expressway',
      baseline: { target: primary.url },
      candidate: { target: candidate.url },
      outcome: 'pass',
      totals: { compared: 1, matched: 1, parity: 100 },
    });
    expect(written.routes[0]).toMatchObject({ route: 'GET /users/{id}', samples: 1, verdict: 'ready' });
    // stop() twice is one stop.
    expect(await proxy.stop()).toBe(returned);
  });
});
