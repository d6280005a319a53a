/**
 * pipeBodyToResponse holds the response corked until the body ends, so a
 * body that is all there at once goes out in one socket write instead of
 * two (head and chunks, then the chunked terminator alone). Side by side
 * with Express-style `readable.pipe(res)` and stream.pipeline(): the same
 * bytes on the wire, a body that waits for I/O flushed as early as before,
 * backpressure, a body failing mid-way and a client leaving mid-stream.
 */
import { afterEach, describe, expect, it } from 'vitest';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';
import { pipeline, Readable } from 'node:stream';
import { pipeBodyToResponse } from './pipe-body.js';

type Piper = 'express' | 'pipeline' | 'pipeBodyToResponse';
const PIPERS: readonly Piper[] = ['express', 'pipeline', 'pipeBodyToResponse'];

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

interface Served {
  port: number;
  /** Socket writes (Writable _write/_writev calls) per response, in order. */
  writes: number[];
  /** What each pipe reported (pipeline and pipeBodyToResponse). */
  results: Array<Error | null | undefined>;
}

/** Counts the socket's writes: every call node's Writable makes into it (_write or _writev) is one write to the OS. */
function countWrites(socket: Socket, into: number[]): void {
  const index = into.push(0) - 1;
  const s = socket as Socket & { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void };
  const write = s._write;
  const writev = s._writev;
  s._write = function (this: Socket, ...args: unknown[]) {
    into[index]!++;
    return write.apply(this, args);
  };
  s._writev = function (this: Socket, ...args: unknown[]) {
    into[index]!++;
    return writev.apply(this, args);
  };
}

async function serve(piper: Piper, make: () => Readable): Promise<Served> {
  const served: Served = { port: 0, writes: [], results: [] };
  const server = http.createServer((_req: IncomingMessage, res: ServerResponse) => {
    countWrites(res.socket!, served.writes);
    res.setHeader('Content-Type', 'application/x-ndjson');
    const body = make();
    if (piper === 'express') body.pipe(res);
    else if (piper === 'pipeline') pipeline(body, res, (err) => served.results.push(err));
    else pipeBodyToResponse(body, res, (err) => served.results.push(err));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  served.port = (server.address() as AddressInfo).port;
  return served;
}

/** The raw bytes of one response (Date line removed), read until the server closes the connection. */
function rawExchange(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1').replace(/\r\nDate: [^\r]*/, '')));
  });
}

function generated(count: number, size = 20): () => Readable {
  return () => {
    function* lines() {
      for (let i = 0; i < count; i++) yield `{"line":${i},"pad":"${'x'.repeat(size)}"}\n`;
    }
    return Readable.from(lines());
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('a body that is all there at once', () => {
  it('goes out in one socket write, with the bytes Express and pipeline() send in two', async () => {
    const got: Record<string, string> = {};
    const writes: Record<string, number[]> = {};
    for (const piper of PIPERS) {
      const served = await serve(piper, generated(3));
      got[piper] = await rawExchange(served.port);
      writes[piper] = served.writes;
    }
    expect(got.express).toContain('Transfer-Encoding: chunked');
    expect(got.express).toMatch(/\r\n0\r\n\r\n$/);
    expect(got.pipeBodyToResponse).toBe(got.express);
    expect(got.pipeline).toBe(got.express);
    expect(writes.express).toEqual([2]);
    expect(writes.pipeline).toEqual([2]);
    expect(writes.pipeBodyToResponse).toEqual([1]);
  });

  it('a body larger than the socket buffer (backpressure pauses it): the same bytes, flushed when it pauses', async () => {
    const got: Record<string, string> = {};
    const results: Record<string, Array<Error | null | undefined>> = {};
    for (const piper of PIPERS) {
      const served = await serve(piper, generated(2000, 500));
      got[piper] = await rawExchange(served.port);
      results[piper] = served.results;
      // More than one write: the cork did not hold a megabyte back until the end.
      expect(served.writes[0]).toBeGreaterThan(1);
    }
    expect(got.express!.length).toBeGreaterThan(1_000_000);
    expect(got.pipeBodyToResponse).toBe(got.express);
    expect(results.pipeBodyToResponse).toEqual([undefined]);
  });
});

describe('a body that waits for I/O', () => {
  it('its first chunk reaches the client before the body ends, as with Express', async () => {
    for (const piper of PIPERS) {
      let finish: () => void = () => {};
      const served = await serve(piper, () => {
        let step = 0;
        return new Readable({
          read() {
            if (step === 0) this.push('first\n');
            else if (step === 1) finish = () => { this.push('second\n'); this.push(null); };
            step++;
          },
        });
      });
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(served.port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
        let text = '';
        socket.on('error', reject);
        socket.on('data', (c: Buffer) => {
          text += c.toString('latin1');
          // The body has not ended yet: only now is it let go on.
          if (text.includes('first\n') && !text.includes('second')) finish();
        });
        socket.on('close', () => resolve(text));
      });
      expect(raw, piper).toMatch(/first\n\r\n7\r\nsecond\n\r\n0\r\n\r\n$/);
    }
  });
});

describe('failures', () => {
  it('a generator throwing mid-way: what it yielded goes out, then the connection is cut (as pipeline() did)', async () => {
    const got: Record<string, string> = {};
    const results: Record<string, Array<Error | null | undefined>> = {};
    for (const piper of ['pipeline', 'pipeBodyToResponse'] as const) {
      const served = await serve(piper, () => {
        function* lines() {
          yield 'one\n';
          yield 'two\n';
          throw new Error('cursor lost');
        }
        return Readable.from(lines());
      });
      got[piper] = await rawExchange(served.port);
      await settle();
      results[piper] = served.results;
    }
    expect(got.pipeline).toContain('one\n\r\n4\r\ntwo\n');
    expect(got.pipeline).not.toContain('\r\n0\r\n\r\n');
    expect(got.pipeBodyToResponse).toBe(got.pipeline);
    expect(results.pipeBodyToResponse!.map((e) => e?.message)).toEqual(['cursor lost']);
    expect(results.pipeline!.map((e) => e?.message)).toEqual(['cursor lost']);
  });

  it('the client leaving while the response is corked: the body is destroyed with ERR_STREAM_PREMATURE_CLOSE', async () => {
    let cleanedUp = false;
    const served = await serve('pipeBodyToResponse', () => {
      async function* endless() {
        try {
          for (let i = 0; ; i++) {
            yield `line ${i}\n`;
            await new Promise((resolve) => setImmediate(resolve));
          }
        } finally {
          cleanedUp = true;
        }
      }
      return Readable.from(endless());
    });
    await new Promise<void>((resolve) => {
      const socket = net.connect(served.port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
      socket.once('data', () => {
        socket.destroy();
        resolve();
      });
    });
    for (let i = 0; i < 100 && (!cleanedUp || served.results.length === 0); i++) await settle();
    expect(cleanedUp).toBe(true);
    expect(served.results.map((e) => (e as NodeJS.ErrnoException | undefined)?.code)).toEqual(['ERR_STREAM_PREMATURE_CLOSE']);
  });
});
