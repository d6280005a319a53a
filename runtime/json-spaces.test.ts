/** jsonSpaces: ctx.json() bodies indented as Express's 'json spaces' setting does, compared side by side. */
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { Server } from './index.js';

const BODY = { id: 1, tags: ['a', 'b'], nested: { ok: true } };

function ours(jsonSpaces?: number | string): Server {
  const server = new Server({ jsonSpaces });
  server.get('/x', (ctx) => ctx.json(BODY));
  return server;
}

function theirs(spaces: number | string | undefined): express.Express {
  const app = express();
  if (spaces !== undefined) app.set('json spaces', spaces);
  app.get('/x', (_req, res) => res.json(BODY));
  return app;
}

describe('jsonSpaces', () => {
  for (const spaces of [2, '\t', 0, undefined]) {
    it(`writes the same bytes and length as Express with 'json spaces' ${JSON.stringify(spaces)}`, async () => {
      const [a, b] = await Promise.all([request(ours(spaces).handler).get('/x'), request(theirs(spaces)).get('/x')]);
      expect(a.text).toBe(b.text);
      expect(a.headers['content-length']).toBe(b.headers['content-length']);
    });
  }

  it('indents only when set', async () => {
    expect((await request(ours(2).handler).get('/x')).text).toContain('\n  "id": 1');
    expect((await request(ours().handler).get('/x')).text).toBe(JSON.stringify(BODY));
  });

  it('rejects a negative or fractional value with a coded error', () => {
    expect(() => new Server({ jsonSpaces: -1 })).toThrow(expect.objectContaining({ code: 'EXW_ERR_CONFIG_INVALID' }));
    expect(() => new Server({ jsonSpaces: 1.5 })).toThrow(expect.objectContaining({ code: 'EXW_ERR_CONFIG_INVALID' }));
  });
});
