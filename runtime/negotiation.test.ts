import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { Server } from './index.js';
import request from 'supertest';
import { appendVary } from './negotiation.js';

// The vary package Express's res.vary uses (installed with Express): appendVary must write what it writes.
const vary = createRequire(import.meta.url)('vary') as { append(header: string, field: string): string };

describe('appendVary', () => {
  const headers = ['', 'Accept', 'accept', 'Origin', 'Origin, Accept', ' Accept-Encoding ,Origin', '*', 'Origin, *', 'a,,b', 'Accept-Language'];
  const fields = ['Accept', 'accept', 'Origin, Accept', '*', 'Accept-Language'];
  for (const header of headers) {
    for (const field of fields) {
      it(`${JSON.stringify(header)} + ${JSON.stringify(field)}`, () => {
        expect(appendVary(header, field)).toBe(vary.append(header, field));
      });
    }
  }
});

describe('ctx.vary', () => {
  it('adds a field once, after what earlier code set', async () => {
    const server = new Server();
    server.get('/', (ctx) => {
      ctx.appendHeader('Vary', 'Origin');
      ctx.vary('Accept');
      ctx.vary('accept');
      ctx.text('ok');
    });
    const res = await request(server.handler).get('/');
    expect(res.headers.vary).toBe('Origin, Accept');
  });
});
