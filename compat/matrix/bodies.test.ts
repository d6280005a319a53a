/** Matrix: body-parser / express.json / express.urlencoded, multer. */
import { expect, it } from 'vitest';
import express from 'express';
import bodyParser from 'body-parser';
import multer from 'multer';
import { createHash } from 'node:crypto';
import { fromExpress } from '../index.js';
import { eachMode, request, RESPONSE_HOOK } from './__testfixtures__/modes.js';

eachMode('body-parser / express.json / express.urlencoded', {
  fromExpress(server) {
    server.requestMiddleware('/json', fromExpress(express.json({ limit: '1kb' })));
    server.post('/json', async (ctx) => ctx.json({ requestBody: ctx.requestBody, read: await ctx.json() }));
    server.requestMiddleware('/form', fromExpress(express.urlencoded({ extended: true })));
    server.post('/form', (ctx) => ctx.json({ requestBody: ctx.requestBody }));
    server.requestMiddleware('/text', fromExpress(bodyParser.text()));
    server.post('/text', async (ctx) => ctx.json({ requestBody: ctx.requestBody, read: await ctx.text() }));
  },
  mountExpress(app) {
    app.post('/json', express.json({ limit: '1kb' }), (req, res) => res.json({ requestBody: req.body, read: req.body }));
    app.post('/form', express.urlencoded({ extended: true }), (req, res) => res.json({ requestBody: req.body }));
    app.post('/text', bodyParser.text(), (req, res) => res.json({ requestBody: req.body, read: req.body }));
  },
}, (target) => {
  it('parses JSON', async () => {
    const res = await request(target().port, 'POST', '/json', { 'content-type': 'application/json' }, '{"n":[1,{"x":true}]}');
    expect(JSON.parse(res.body.toString())).toEqual({ requestBody: { n: [1, { x: true }] }, read: { n: [1, { x: true }] } });
    expect(res.headers[RESPONSE_HOOK]).toBe('yes');
  });
  it('parses nested urlencoded forms (extended)', async () => {
    const res = await request(target().port, 'POST', '/form', { 'content-type': 'application/x-www-form-urlencoded' }, 'user%5Bname%5D=ada&tags=a&tags=b');
    expect(JSON.parse(res.body.toString())).toEqual({ requestBody: { user: { name: 'ada' }, tags: ['a', 'b'] } });
  });
  it('parses text', async () => {
    const res = await request(target().port, 'POST', '/text', { 'content-type': 'text/plain' }, 'plain words');
    expect(JSON.parse(res.body.toString())).toEqual({ requestBody: 'plain words', read: 'plain words' });
  });
  it("answers body-parser's own errors: 400 for bad JSON, 413 over the limit", async () => {
    const bad = await request(target().port, 'POST', '/json', { 'content-type': 'application/json' }, '{"n":');
    expect(bad.status).toBe(400);
    const large = await request(target().port, 'POST', '/json', { 'content-type': 'application/json' }, JSON.stringify({ s: 'x'.repeat(2000) }));
    expect(large.status).toBe(413);
    expect(large.headers[RESPONSE_HOOK]).toBe('yes');
  });
});

const upload = () => multer({ storage: multer.memoryStorage(), limits: { fileSize: 64 * 1024 } }).single('file');
const sha = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');
const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 31) % 256));

eachMode('multer', {
  fromExpress(server) {
    server.requestMiddleware('/upload', fromExpress(upload()));
    server.post('/upload', (ctx) => {
      const file = (ctx.req as any).file;
      ctx.json({ name: file.originalname, size: file.size, sha: sha(file.buffer), fields: ctx.requestBody });
    });
  },
  mountExpress(app) {
    app.post('/upload', upload(), (req: any, res) => {
      res.json({ name: req.file.originalname, size: req.file.size, sha: sha(req.file.buffer), fields: { ...req.body } });
    });
  },
}, (target) => {
  it("receives the uploaded file's bytes and the form fields", async () => {
    const form = new FormData();
    form.append('title', 'a picture');
    form.append('file', new Blob([bytes]), 'pic.bin');
    const res = await fetch(`${target().url}/upload`, { method: 'POST', body: form });
    expect(res.headers.get(RESPONSE_HOOK)).toBe('yes');
    expect({ ...(await res.json()) }).toEqual({ name: 'pic.bin', size: bytes.length, sha: sha(bytes), fields: { title: 'a picture' } });
  });
  it('enforces its file size limit', async () => {
    const form = new FormData();
    form.append('file', new Blob([Buffer.alloc(100 * 1024)]), 'big.bin');
    const res = await fetch(`${target().url}/upload`, { method: 'POST', body: form });
    expect(res.status).toBe(500);
  });
});
