import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startBaselinePair, type BaselinePair } from './baseline-pair.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A stand-in app: counts its own requests (per-process state) and answers with them. */
async function countingApp(name: string): Promise<string> {
  let seen = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen++;
      res.writeHead(201, 'Made It', [
        'X-Process', name,
        'Set-Cookie', 'a=1',
        'Set-Cookie', 'b=2',
        'Content-Type', 'application/json',
      ]);
      res.end(JSON.stringify({ seen, method: req.method, url: req.url, body, host: req.headers.host }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function send(url: string, path: string, body?: string) {
  const res = await fetch(url + path, { method: body === undefined ? 'GET' : 'POST', ...(body !== undefined ? { body } : {}) });
  return { res, json: (await res.json()) as { seen: number; method: string; url: string; body: string } };
}

async function pairOf(): Promise<BaselinePair> {
  const pair = await startBaselinePair(await countingApp('primary'), await countingApp('secondary'));
  closers.push(() => pair.close());
  return pair;
}

describe('startBaselinePair', () => {
  it('gives each process one request of every pair, so both see the whole traffic once, in order', async () => {
    const pair = await pairOf();
    const seenBy: Record<string, number[]> = { primary: [], secondary: [] };
    for (let i = 1; i <= 3; i++) {
      // verify() sends the primary and secondary copies of one exchange at the same time.
      const both = await Promise.all([send(pair.url, `/items?i=${i}`, `n=${i}`), send(pair.url, `/items?i=${i}`, `n=${i}`)]);
      for (const { res, json } of both) {
        seenBy[res.headers.get('x-process')!]!.push(json.seen);
        expect(json).toMatchObject({ method: 'POST', url: `/items?i=${i}`, body: `n=${i}` });
      }
    }
    expect(seenBy).toEqual({ primary: [1, 2, 3], secondary: [1, 2, 3] });
    expect(pair.counts).toEqual([3, 3]);
  });

  it('passes status text, repeated headers and header case through unchanged', async () => {
    const pair = await pairOf();
    const answer = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get(pair.url + '/x', resolve).on('error', reject);
    });
    answer.resume();
    expect(answer.statusCode).toBe(201);
    expect(answer.statusMessage).toBe('Made It');
    expect(answer.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(answer.rawHeaders).toContain('X-Process');
  });

  it('fails the request, rather than answering, when a process is gone', async () => {
    const dead = `http://127.0.0.1:${await new Promise<number>((resolve) => {
      const s = http.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as AddressInfo;
        s.close(() => resolve(port));
      });
    })}`;
    const pair = await startBaselinePair(dead, await countingApp('secondary'));
    closers.push(() => pair.close());
    await expect(fetch(pair.url + '/')).rejects.toThrow();
  });
});
