import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { startRecorder, bodyBytes, type Exchange, type Recorder } from 'expressway/verify';

const dir = mkdtempSync(join(tmpdir(), 'exw-record-'));
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]);

let releaseStream: () => void = () => {};
const upstream = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString();
    if (req.url === '/bin') {
      res.writeHead(200, { 'Content-Type': 'image/png' });
      return res.end(PNG);
    }
    if (req.url === '/size') {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      // Echo the size, then 2 MiB of bytes: both bodies exceed the stored limit.
      return res.end(Buffer.concat([Buffer.from(`${Buffer.concat(chunks).length}:`), Buffer.alloc(2 * 1024 * 1024, 7)]));
    }
    if (req.url === '/stream') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('part one;');
      releaseStream = () => res.end('part two');
      return;
    }
    res.setHeader('Set-Cookie', ['sid=s3cr3t; Path=/; HttpOnly', 'theme=dark']);
    res.setHeader('X-Custom-Case', 'Kept');
    res.writeHead(201, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ received: JSON.parse(body || '{}'), password: 'hunter2', nested: { token: 'tok' }, ok: true }));
  });
});

let recorder: Recorder;
const out = join(dir, 'traffic.ndjson');

beforeAll(async () => {
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  recorder = await startRecorder({ target: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, out, redact: { headers: ['authorization', 'cookie', 'set-cookie', 'x-team-key'], fields: ['password', 'token'] } });
});

afterAll(async () => {
  await recorder.close();
  await new Promise((r) => upstream.close(r));
});

function raw(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; rawHeaders: string[]; body: Buffer; firstChunk: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${recorder.url}${url}`, { method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      let firstChunk = '';
      res.on('data', (c: Buffer) => {
        if (chunks.length === 0) {
          firstChunk = c.toString();
          // The first part reached the client while the upstream still holds the rest: streamed, not buffered.
          releaseStream();
        }
        chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode!, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks), firstChunk }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('recording proxy', () => {
  let lines: Exchange[];

  beforeAll(async () => {
    const a = await raw('/login?token=abc&page=2', {
      method: 'POST',
      headers: { authorization: 'Bearer very-secret', cookie: 'sid=abc; lang=en', 'x-team-key': 'k1', 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'ann', password: 'pw1' }),
    });
    expect(a.status).toBe(201);
    // Unchanged for the client: status, header spelling, cookie values, secrets in the body.
    expect(a.rawHeaders).toContain('X-Custom-Case');
    expect(a.rawHeaders).toContain('sid=s3cr3t; Path=/; HttpOnly');
    expect(JSON.parse(a.body.toString())).toMatchObject({ password: 'hunter2', received: { password: 'pw1' } });
    const b = await raw('/bin');
    expect(b.body.equals(PNG)).toBe(true);
    const big = await raw('/size', { method: 'PUT', body: 'x'.repeat(3 * 1024 * 1024) });
    expect(big.body.length).toBe(2 * 1024 * 1024 + '3145728:'.length);
    expect(big.body.subarray(0, 8).toString()).toBe('3145728:');
    const s = await raw('/stream');
    expect(s.firstChunk).toBe('part one;');
    expect(s.body.toString()).toBe('part one;part two');
    await recorder.close();
    lines = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Exchange);
  });

  it('writes one exchange per line in the versioned schema', () => {
    expect(lines).toHaveLength(4);
    expect(lines.map((l) => [l.v, l.request.method, l.response?.status])).toEqual([
      [1, 'POST', 201],
      [1, 'GET', 200],
      [1, 'PUT', 200],
      [1, 'GET', 200],
    ]);
    expect(lines[0]!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof lines[0]!.durationMs).toBe('number');
  });

  it('redacts secrets in headers, cookies, JSON fields and the query', () => {
    const x = lines[0]!;
    expect(x.request.headers.authorization).toBe('[REDACTED]');
    expect(x.request.headers['x-team-key']).toBe('[REDACTED]');
    expect(x.request.headers.cookie).toBe('sid=[REDACTED]; lang=[REDACTED]');
    expect(x.response!.headers['set-cookie']).toEqual(['sid=[REDACTED]; Path=/; HttpOnly', 'theme=[REDACTED]']);
    expect(JSON.parse(x.request.body!)).toEqual({ user: 'ann', password: '[REDACTED]' });
    expect(JSON.parse(x.response!.body!)).toMatchObject({ password: '[REDACTED]', nested: { token: '[REDACTED]' }, ok: true });
    expect(x.request.url).toBe('/login?token=%5BREDACTED%5D&page=2');
    const text = readFileSync(out, 'utf8');
    for (const secret of ['very-secret', 'hunter2', 'pw1', 's3cr3t', 'k1"']) expect(text).not.toContain(secret);
  });

  it('passes large bodies whole but stores them cut at the limit, marked truncated', () => {
    const big = lines[2]!;
    expect(big.truncated).toBe(true);
    expect(big.request.body!.length).toBe(1024 * 1024);
    expect(bodyBytes(big.response!).length).toBe(1024 * 1024);
  });

  it('stores binary bodies as base64', () => {
    const bin = lines[1]!;
    expect(bin.response!.bodyEncoding).toBe('base64');
    expect(bodyBytes(bin.response!).equals(PNG)).toBe(true);
  });
});
