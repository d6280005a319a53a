import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRAFFIC_VERSION, TrafficWriter, bodyBytes, detectTrafficFormat, readTraffic, type Exchange, type TrafficEntry } from 'expressway/verify';

const dir = mkdtempSync(join(tmpdir(), 'exw-traffic-'));

async function all(path: string): Promise<{ format: string; entries: TrafficEntry[] }> {
  const { format, entries } = await readTraffic(path);
  const out: TrafficEntry[] = [];
  for await (const e of entries) out.push(e);
  return { format, entries: out };
}

const sample = (id: string, url = '/a'): Exchange => ({
  v: TRAFFIC_VERSION,
  id,
  ts: '2026-01-01T00:00:00.000Z',
  request: { method: 'GET', url, headers: {} },
  response: { status: 200, headers: { 'content-type': 'text/plain' }, body: 'hi' },
});

describe('NDJSON traffic', () => {
  it('writes whole lines and reads them back, repairing a half line left by a crash', async () => {
    const file = join(dir, 'w.ndjson');
    writeFileSync(file, JSON.stringify(sample('first')) + '\n{"v":1,"id":"cut-sh');
    const w = await TrafficWriter.open(file);
    await Promise.all([w.append(sample('a')), w.append(sample('b', '/b'))]);
    await w.close();
    const text = readFileSync(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const { format, entries } = await all(file);
    expect(format).toBe('ndjson');
    expect(entries.map((e) => e.exchange?.id ?? `error@${e.line}`)).toEqual(['first', 'error@2', 'a', 'b']);
    expect(entries[1]!.error!.message).toContain('line 2');
  });

  it('names the schema version problem', async () => {
    const file = join(dir, 'v2.ndjson');
    writeFileSync(file, JSON.stringify({ ...sample('x'), v: 2 }) + '\n');
    const { entries } = await all(file);
    expect(entries[0]!.error).toMatchObject({ code: 'EXW_ERR_VERIFY_TRAFFIC_VERSION' });
  });

  it('streams a large file line by line', async () => {
    const file = join(dir, 'big.ndjson');
    const line = JSON.stringify(sample('x')) + '\n';
    writeFileSync(file, line.repeat(20_000));
    let n = 0;
    const { entries } = await readTraffic(file);
    for await (const e of entries) if (e.exchange) n++;
    expect(n).toBe(20_000);
  });
});

describe('HAR 1.2 import', () => {
  it('turns entries into exchanges, bodies and all, and reports a bad entry by number', async () => {
    const har = {
      log: {
        version: '1.2',
        creator: { name: 'test', version: '1' },
        entries: [
          {
            startedDateTime: '2026-01-01T00:00:00.000Z',
            time: 12,
            request: {
              method: 'post',
              url: 'https://shop.example/api/cart?x=1',
              httpVersion: 'HTTP/2',
              headers: [
                { name: ':authority', value: 'shop.example' },
                { name: 'Content-Type', value: 'application/json' },
              ],
              postData: { mimeType: 'application/json', text: '{"sku":1}' },
            },
            response: { status: 201, headers: [{ name: 'Content-Type', value: 'image/png' }], content: { mimeType: 'image/png', text: 'iVBORw0KGgo=', encoding: 'base64' } },
          },
          { request: { method: 'GET' } },
        ],
      },
    };
    const file = join(dir, 'x.har');
    writeFileSync(file, JSON.stringify(har, null, 2));
    expect(await detectTrafficFormat(file)).toBe('har');
    const { entries } = await all(file);
    const x = entries[0]!.exchange!;
    expect(x.request).toMatchObject({ method: 'POST', url: '/api/cart?x=1', headers: { 'content-type': 'application/json' }, body: '{"sku":1}' });
    expect(x.request.headers[':authority']).toBeUndefined();
    expect(x.response!.bodyEncoding).toBe('base64');
    expect(bodyBytes(x.response!).subarray(1, 4).toString()).toBe('PNG');
    expect(x.durationMs).toBe(12);
    expect(entries[1]!.error!.message).toContain('entry 2');
  });
});

describe('HAR streaming', () => {
  it('cuts entries out correctly around tricky strings, other "entries" keys, and a cut file', async () => {
    const tricky = { request: { method: 'GET', url: 'http://x/a?q=%7B', headers: [{ name: 'x-json', value: '{"entries": [1, "}]"], "log": "\\"}' }] }, response: { status: 200, headers: [] } };
    const doc = {
      log: {
        version: '1.2',
        pages: [{ id: 'p', title: 'entries', pageTimings: { entries: [{ fake: true }] } }],
        creator: { name: 'x', version: '1', comment: 'an "entries": [ {' },
        entries: [tricky, { ...tricky, request: { ...tricky.request, url: 'http://x/b' } }],
      },
      entries: [{ request: { method: 'GET', url: 'http://x/not-this-one' } }],
    };
    const compact = join(dir, 'compact.har');
    writeFileSync(compact, JSON.stringify(doc));
    const { entries } = await all(compact);
    expect(entries.map((e) => e.exchange?.request.url)).toEqual(['/a?q=%7B', '/b']);
    expect(entries[0]!.exchange!.request.headers['x-json']).toBe(tricky.request.headers[0]!.value);

    const cut = join(dir, 'cut.har');
    const text = JSON.stringify(doc, null, 2);
    writeFileSync(cut, text.slice(0, text.indexOf('http://x/b')));
    const partial = await all(cut);
    expect(partial.entries.map((e) => e.exchange?.request.url)).toEqual(['/a?q=%7B']);

    const none = join(dir, 'none.har');
    writeFileSync(none, JSON.stringify({ log: { version: '1.2' } }));
    await expect(all(none)).rejects.toMatchObject({ code: 'EXW_ERR_VERIFY_TRAFFIC_FORMAT' });
  });
});

describe('GoReplay import', () => {
  it('reads request blocks, joins responses by id, decodes chunked bodies', async () => {
    const sep = '\n🐵🙈🙉\n';
    const blocks = [
      '1 a1b2 1700000000000000000\nGET /users/1?x=2 HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer t\r\n\r\n',
      '2 a1b2 1700000000010000000 5000000\nHTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello',
      '1 c3d4 1700000000020000000\nPOST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n',
      'garbage here\nnot http',
    ];
    const file = join(dir, 'requests.gor');
    writeFileSync(file, blocks.join(sep) + sep);
    expect(await detectTrafficFormat(file)).toBe('goreplay');
    const { entries } = await all(file);
    const good = entries.filter((e) => e.exchange).map((e) => e.exchange!);
    expect(good.map((x) => [x.request.method, x.request.url])).toEqual([
      ['GET', '/users/1?x=2'],
      ['POST', '/upload'],
    ]);
    expect(good[0]!.response).toMatchObject({ status: 200, body: 'hello' });
    expect(good[0]!.durationMs).toBe(5);
    expect(good[1]!.request.body).toBe('hello world');
    const bad = entries.find((e) => e.error)!;
    expect(bad.line).toBe(27);
    expect(bad.error.message).toContain('line 27');
  });
});

describe('format detection', () => {
  it('refuses what it cannot read', async () => {
    const file = join(dir, 'x.txt');
    writeFileSync(file, 'hello world\n');
    await expect(detectTrafficFormat(file)).rejects.toMatchObject({ code: 'EXW_ERR_VERIFY_TRAFFIC_FORMAT' });
    await expect(detectTrafficFormat(join(dir, 'missing'))).rejects.toMatchObject({ code: 'EXW_ERR_VERIFY_TRAFFIC_FORMAT' });
  });
});
