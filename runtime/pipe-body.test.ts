/**
 * pipeBodyToResponse next to stream.pipeline() (what write.ts used) and
 * Express's `readable.pipe(res)`: the same bytes on the wire (chunk framing
 * included), and pipeline()'s guarantees when the body fails or the client
 * goes away.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline, Readable } from 'node:stream';
import { pipeBodyToResponse, type PipeDone } from './pipe-body.js';

type Piper = (body: Readable, res: ServerResponse, done: PipeDone) => void;

const PIPERS: Record<string, Piper> = {
  pipeline: (body, res, done) => pipeline(body, res, done),
  pipeBodyToResponse,
};

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** The raw bytes of one response (Date line removed), read until the server closes the connection. */
function rawExchange(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1').replace(/\r\nDate: [^\r]*/, '')));
  });
}

function lines(): Readable {
  function* generate() {
    for (let i = 0; i < 5; i++) yield `{"line":${i}}\n`;
  }
  return Readable.from(generate());
}

const dir = mkdtempSync(join(tmpdir(), 'exw-pipe-body-'));
const csv = join(dir, 'big.csv');
writeFileSync(csv, 'id,value\n' + Array.from({ length: 20_000 }, (_, i) => `${i},${'x'.repeat(i % 40)}`).join('\n'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** Serves `make()` through `piper`, recording what its callback received. */
async function serveWith(piper: Piper | 'express', make: () => Readable, results: Array<Error | null | undefined>): Promise<number> {
  return listen((_req, res) => {
    res.setHeader('Content-Type', 'application/x-ndjson');
    const body = make();
    if (piper === 'express') body.pipe(res);
    else piper(body, res, (err) => results.push(err));
  });
}

describe('the same bytes as pipeline() and as Express-style .pipe(res)', () => {
  for (const [label, make] of [['a generator (Readable.from)', lines], ['a 200 kB file stream', () => createReadStream(csv)]] as const) {
    it(label, async () => {
      const got: Record<string, string> = {};
      const results: Record<string, Array<Error | null | undefined>> = { pipeline: [], pipeBodyToResponse: [] };
      for (const name of ['express', 'pipeline', 'pipeBodyToResponse'] as const) {
        const port = await serveWith(name === 'express' ? 'express' : PIPERS[name], make, results[name] ?? []);
        got[name] = await rawExchange(port, '/');
      }
      expect(got.pipeline).toContain('Transfer-Encoding: chunked');
      expect(got.pipeBodyToResponse).toBe(got.pipeline);
      expect(got.pipeBodyToResponse).toBe(got.express);
      expect(results.pipeBodyToResponse).toEqual(results.pipeline);
      expect(results.pipeBodyToResponse).toEqual([undefined]);
    });
  }
});

describe("pipeline()'s guarantees", () => {
  for (const [name, piper] of Object.entries(PIPERS)) {
    it(`${name}: a body failing mid-way cuts the response off (no final chunk) and reports the error`, async () => {
      const results: Array<Error | null | undefined> = [];
      const port = await serveWith(piper, () => {
        let sent = 0;
        return new Readable({
          read() {
            if (sent++ < 2) this.push(`part ${sent}\n`);
            else setImmediate(() => this.destroy(new Error('disk gone')));
          },
        });
      }, results);
      const raw = await rawExchange(port, '/');
      expect(raw).toContain('part 1');
      expect(raw).not.toContain('\r\n0\r\n\r\n'); // the chunked terminator never comes
      await new Promise((resolve) => setImmediate(resolve));
      expect(results.map((e) => e?.message)).toEqual(['disk gone']);
    });

    it(`${name}: the client leaving destroys the body (a generator's finally runs) with ERR_STREAM_PREMATURE_CLOSE`, async () => {
      const results: Array<Error | null | undefined> = [];
      let cleanedUp = false;
      let bodyError: string | undefined;
      const port = await serveWith(piper, () => {
        async function* endless() {
          try {
            for (let i = 0; ; i++) {
              yield `line ${i}\n`;
              await new Promise((resolve) => setTimeout(resolve, 2));
            }
          } finally {
            cleanedUp = true;
          }
        }
        const body = Readable.from(endless());
        body.on('error', (err: NodeJS.ErrnoException) => (bodyError = err.code));
        return body;
      }, results);
      await new Promise<void>((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
        socket.once('data', () => {
          socket.destroy();
          resolve();
        });
      });
      for (let i = 0; i < 100 && (!cleanedUp || results.length === 0); i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(cleanedUp).toBe(true);
      expect(bodyError).toBe('ERR_STREAM_PREMATURE_CLOSE');
      expect(results.map((e) => (e as NodeJS.ErrnoException | undefined)?.code)).toEqual(['ERR_STREAM_PREMATURE_CLOSE']);
    });
  }

  it('a body destroyed before piping goes through pipeline(), which reports it', async () => {
    const results: Array<Error | null | undefined> = [];
    const port = await serveWith(pipeBodyToResponse, () => {
      const body = lines();
      body.destroy();
      return body;
    }, results);
    const raw = await rawExchange(port, '/');
    expect(raw).not.toContain('200 OK');
    expect(results.map((e) => (e as NodeJS.ErrnoException | undefined)?.code)).toEqual(['ERR_STREAM_PREMATURE_CLOSE']);
  });
});
