/**
 * Seeded generator of malformed or hostile HTTP/1.1 requests, as raw bytes.
 * Each case picks one kind (broken request line, obs-fold, duplicate
 * Content-Length, CL+TE conflict, bad chunks, huge headers, NUL bytes, bad
 * UTF-8 or percent-encoding, absurd methods, pipelined garbage, byte
 * mutations of a valid request) plus a small share of valid requests as a
 * control group. The routes named here are the ones fuzz-target.ts serves.
 */
import { caseSeed, createPrng, type Prng } from './prng.js';

export const FUZZ_KINDS = [
  'valid',
  'broken-request-line',
  'obs-fold',
  'duplicate-content-length',
  'cl-te-conflict',
  'invalid-chunk',
  'huge-headers',
  'nul-bytes',
  'bad-utf8',
  'bad-percent-encoding',
  'absurd-method',
  'pipelined-garbage',
  'bad-line-endings',
  'bad-header-syntax',
  'truncated',
  'byte-mutation',
] as const;

export type FuzzKind = (typeof FUZZ_KINDS)[number];

export interface FuzzCase {
  index: number;
  kind: FuzzKind;
  bytes: Buffer;
  /** Half-close after sending (most cases); otherwise the server's own timeouts must end the connection. */
  halfClose: boolean;
}

const CRLF = '\r\n';
const PATHS = ['/', '/users/42', '/q?a=1&b=2', '/files/a/b.txt', '/echo', '/missing'];

function head(method: string, target: string, headers: string[], version = 'HTTP/1.1'): string {
  return `${method} ${target} ${version}${CRLF}${headers.join(CRLF)}${headers.length ? CRLF : ''}${CRLF}`;
}

function validRequest(rng: Prng): string {
  if (rng.chance(0.3)) {
    const body = 'x'.repeat(rng.int(0, 64));
    return head('POST', '/echo', ['Host: 127.0.0.1', 'Content-Type: text/plain', `Content-Length: ${body.length}`]) + body;
  }
  return head('GET', rng.pick(PATHS), ['Host: 127.0.0.1', 'Accept: */*']);
}

function randomBytes(rng: Prng, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = rng.int(0, 255);
  return out;
}

const generators: Record<FuzzKind, (rng: Prng) => string | Buffer> = {
  valid: validRequest,
  'broken-request-line': (rng) =>
    rng.pick([
      () => `GET /${CRLF}Host: x${CRLF}${CRLF}`,
      () => `GET  /  HTTP/1.1${CRLF}Host: x${CRLF}${CRLF}`,
      () => `GET / HTTP/9.9${CRLF}Host: x${CRLF}${CRLF}`,
      () => `GET / HTTP/1.1 trailing${CRLF}Host: x${CRLF}${CRLF}`,
      () => `/ HTTP/1.1${CRLF}Host: x${CRLF}${CRLF}`,
      () => `GET${CRLF}${CRLF}`,
      () => `GET / HTTP/1.${rng.int(0, 99)}${CRLF}Host: x${CRLF}${CRLF}`,
      () => `GET\t/\tHTTP/1.1${CRLF}Host: x${CRLF}${CRLF}`,
      () => `GET http://[::1/ HTTP/1.1${CRLF}Host: x${CRLF}${CRLF}`,
      () => `GET * HTTP/1.1${CRLF}Host: x${CRLF}${CRLF}`,
      () => `GET ${'a'.repeat(rng.int(1, 200))} HTTP/1.1${CRLF}Host: x${CRLF}${CRLF}`,
      () => `${CRLF}${CRLF}${CRLF}GET / HTTP/1.1${CRLF}Host: x${CRLF}${CRLF}`,
      () => `GET / HTTP/1.1 HTTP/1.1${CRLF}${CRLF}`,
      () => `GET /${'/'.repeat(rng.int(1, 5000))} HTTP/1.1${CRLF}Host: x${CRLF}${CRLF}`,
    ])(),
  'obs-fold': (rng) =>
    head('GET', rng.pick(PATHS), [
      'Host: 127.0.0.1',
      `X-Folded: first${CRLF}${rng.pick([' ', '\t', '  '])}continued`,
      ...(rng.chance(0.5) ? [`Content-Length: 0${CRLF} 5`] : []),
    ]),
  'duplicate-content-length': (rng) => {
    const a = rng.int(0, 20);
    const b = rng.chance(0.3) ? a : rng.int(0, 20);
    const joined = rng.chance(0.3);
    const headers = joined ? [`Content-Length: ${a}, ${b}`] : [`Content-Length: ${a}`, `Content-Length: ${b}`];
    return head('POST', '/echo', ['Host: 127.0.0.1', ...headers]) + 'x'.repeat(Math.max(a, b));
  },
  'cl-te-conflict': (rng) => {
    const te = rng.pick(['chunked', ' chunked', 'chunked, identity', 'identity, chunked', 'xchunked', 'chunked\t', 'CHUNKED', 'gzip']);
    const order = rng.chance(0.5)
      ? [`Content-Length: ${rng.int(0, 40)}`, `Transfer-Encoding: ${te}`]
      : [`Transfer-Encoding: ${te}`, `Content-Length: ${rng.int(0, 40)}`];
    return head('POST', '/echo', ['Host: 127.0.0.1', ...order]) + `5${CRLF}hello${CRLF}0${CRLF}${CRLF}GET /smuggled HTTP/1.1${CRLF}Host: x${CRLF}${CRLF}`;
  },
  'invalid-chunk': (rng) => {
    const size = rng.pick(['zz', '-1', 'ffffffffffffffffffff', '5 ;ext="unterminated', '0x5', '', ' 5', '5\0', '1'.repeat(40), '5;' + 'e'.repeat(5000)]);
    const tail = rng.pick([`${CRLF}hello${CRLF}0${CRLF}${CRLF}`, `${CRLF}hel`, `hello${CRLF}`, `${CRLF}hello0${CRLF}${CRLF}`]);
    return head('POST', '/echo', ['Host: 127.0.0.1', 'Transfer-Encoding: chunked']) + size + tail;
  },
  'huge-headers': (rng) => {
    if (rng.chance(0.5)) return head('GET', '/', ['Host: 127.0.0.1', `X-Big: ${'a'.repeat(rng.int(8_000, 120_000))}`]);
    const count = rng.int(100, 3_000);
    const headers = ['Host: 127.0.0.1'];
    for (let i = 0; i < count; i++) headers.push(`X-H${i}: ${'v'.repeat(rng.int(1, 20))}`);
    return head('GET', '/', headers);
  },
  'nul-bytes': (rng) =>
    rng.pick([
      () => head('GET', '/users/4\0 2', ['Host: 127.0.0.1']),
      () => head('GET', '/%00', ['Host: 127.0.0.1']),
      () => head('GET', '/q?a=%00&b=\0', ['Host: 127.0.0.1']),
      () => head('GET', '/', ['Host: 127.0.0.1', 'X-Nul: a\0b']),
      () => head('GET', '/', ['Host: 127.0.0.1', 'X-\0Name: v']),
      () => `\0\0\0\0${head('GET', '/', ['Host: x'])}`,
      () => `G\0ET / HTTP/1.1${CRLF}Host: x${CRLF}${CRLF}`,
    ])(),
  'bad-utf8': (rng) => {
    const bad = rng.pick([[0xc3, 0x28], [0xff], [0xe2, 0x82], [0xf0, 0x28, 0x8c, 0xbc], [0xc0, 0xaf], [0xed, 0xa0, 0x80]]);
    const where = rng.int(0, 2);
    const parts = [Buffer.from(where === 0 ? 'GET /users/' : 'GET /q?a='), Buffer.from(bad), Buffer.from(` HTTP/1.1${CRLF}Host: 127.0.0.1${CRLF}`)];
    if (where === 2) parts.push(Buffer.from('X-Utf: '), Buffer.from(bad), Buffer.from(CRLF));
    parts.push(Buffer.from(CRLF));
    return Buffer.concat(parts);
  },
  'bad-percent-encoding': (rng) =>
    head(
      'GET',
      rng.pick(['/%', '/%z', '/%zz', '/users/%E0%A4%A', '/q?a=%', '/q?%=%%', '/%c0%af', '/%ff', '/files/%2e%2e/%2e%2e/etc/passwd', '/users/%25%32%65', '/q?a=%uD800', '/%%32%65']),
      ['Host: 127.0.0.1'],
    ),
  'absurd-method': (rng) =>
    head(
      rng.pick(['FOO', 'G@T', 'get', 'GET\u0001', 'X'.repeat(rng.int(20, 3000)), 'CONNECT', 'TRACE', 'PRI', '-', 'M-SEARCH', 'PROPFIND', 'SOURCE']),
      rng.pick(PATHS),
      ['Host: 127.0.0.1'],
    ),
  'pipelined-garbage': (rng) => {
    const valid = validRequest(rng);
    return valid + rng.pick([randomBytes(rng, rng.int(1, 200)).toString('latin1'), 'GARBAGE\r\n\r\n', valid + 'HTTP/1.1 200 OK\r\n\r\n']);
  },
  'bad-line-endings': (rng) =>
    rng.pick([
      () => `GET / HTTP/1.1\nHost: x\n\n`,
      () => `GET / HTTP/1.1\rHost: x\r\r`,
      () => `GET / HTTP/1.1\r\nHost: x\n\r\n`,
      () => `GET / HTTP/1.1\r\r\nHost: x\r\n\r\n`,
      () => `GET / HTTP/1.1\r\nHost: x\r\nX-A: b\rc\r\n\r\n`,
    ])(),
  'bad-header-syntax': (rng) =>
    head('GET', '/', [
      'Host: 127.0.0.1',
      rng.pick(['NoColon', 'Bad Name: v', 'X-A : space-before-colon', ': empty-name', 'X-(): v', 'X-A:\u007f', 'Host: a', 'Host: a b']),
    ]),
  truncated: (rng) => {
    const full = validRequest(rng);
    return full.slice(0, rng.int(1, Math.max(1, full.length - 1)));
  },
  'byte-mutation': (rng) => {
    const bytes = Buffer.from(validRequest(rng), 'latin1');
    const edits = rng.int(1, 6);
    for (let i = 0; i < edits; i++) bytes[rng.int(0, bytes.length - 1)] = rng.pick([0, 10, 13, 32, 37, 58, 127, 255, rng.int(0, 255)]);
    return bytes;
  },
};

/** Case `index` of the run seeded with `seed`: always the same bytes. */
export function generateCase(seed: number, index: number): FuzzCase {
  const rng = createPrng(caseSeed(seed, index));
  // One valid request in ten keeps a control group in every run.
  const kind = rng.chance(0.1) ? 'valid' : FUZZ_KINDS[rng.int(1, FUZZ_KINDS.length - 1)]!;
  const raw = generators[kind](rng);
  return {
    index,
    kind,
    bytes: typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw,
    // One case in twenty keeps the connection open, so the server's own timeouts must end it.
    halfClose: !rng.chance(0.05),
  };
}
