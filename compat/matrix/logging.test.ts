/** Matrix: morgan, pino-http, errorhandler. */
import { expect, it } from 'vitest';
import morgan from 'morgan';
import pinoHttp from 'pino-http';
import pino from 'pino';
import errorhandler from 'errorhandler';
import { Writable } from 'node:stream';
import { fromExpress, fromExpressErrorHandler } from '../index.js';
import { eachMode, eventually, request, RESPONSE_HOOK } from './__testfixtures__/modes.js';

function collector(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

const morganLog = collector();
const format = ':method :url :status :res[content-type] :res[x-runtime-response]';

eachMode('morgan', {
  fromExpress(server) {
    server.requestMiddleware(fromExpress(morgan(format, { stream: morganLog.stream })));
    server.get('/logged/{id}', (ctx) => ctx.json({ id: ctx.params.id }, 201));
  },
  mountExpress(app) {
    app.use(morgan(format, { stream: morganLog.stream }));
    app.get('/logged/:id', (req, res) => res.status(201).json({ id: req.params.id }));
  },
}, (target) => {
  it('logs method, url, the final status and response headers (including the runtime hook header)', async () => {
    const id = `${target().mode}-1`;
    const res = await request(target().port, 'GET', `/logged/${id}?q=1`);
    expect(res.status).toBe(201);
    await eventually(() => morganLog.lines.some((l) => l.includes(id)));
    const line = morganLog.lines.find((l) => l.includes(id))!;
    expect(line).toBe(`GET /logged/${id}?q=1 201 application/json; charset=utf-8 yes`);
  });
});

const pinoLog = collector();

eachMode('pino-http', {
  fromExpress(server) {
    server.requestMiddleware(fromExpress(pinoHttp({ logger: pino(pinoLog.stream) })));
    server.get('/work', (ctx) => {
      (ctx.req as any).log.info({ step: 'in handler' }, 'working');
      ctx.json({ done: true });
    });
  },
  mountExpress(app) {
    app.use(pinoHttp({ logger: pino(pinoLog.stream) }));
    app.get('/work', (req, res) => {
      req.log.info({ step: 'in handler' }, 'working');
      res.json({ done: true });
    });
  },
}, (target) => {
  it('gives req.log a request-bound child logger and logs the completed request with its status', async () => {
    const before = pinoLog.lines.length;
    const res = await request(target().port, 'GET', '/work', { 'x-mode': target().mode });
    expect(res.status).toBe(200);
    expect(res.headers[RESPONSE_HOOK]).toBe('yes');
    await eventually(() => pinoLog.lines.slice(before).some((l) => l.includes('request completed')));
    const entries = pinoLog.lines.slice(before).map((l) => JSON.parse(l));
    const working = entries.find((e) => e.msg === 'working');
    const done = entries.find((e) => e.msg === 'request completed');
    expect(working.step).toBe('in handler');
    expect(working.req.url).toBe('/work');
    expect(done.res.statusCode).toBe(200);
    expect(done.req.headers['x-mode']).toBe(target().mode);
    expect(done.req.id).toBe(working.req.id);
  });
});

eachMode('errorhandler', {
  fromExpress(server) {
    server.get('/fail', () => {
      throw Object.assign(new Error('legacy failure'), { status: 502 });
    });
    server.panicHook(fromExpressErrorHandler(errorhandler({ log: false })));
  },
  mountExpress(app) {
    app.get('/fail', () => {
      throw Object.assign(new Error('legacy failure'), { status: 502 });
    });
    app.use(errorhandler({ log: false }));
  },
}, (target) => {
  it('answers with the error status and a JSON error body for JSON clients, HTML for browsers', async () => {
    const json = await request(target().port, 'GET', '/fail', { accept: 'application/json' });
    expect(json.status).toBe(502);
    expect(JSON.parse(json.body.toString()).error.message).toBe('legacy failure');
    expect(json.headers[RESPONSE_HOOK]).toBe('yes');
    const html = await request(target().port, 'GET', '/fail', { accept: 'text/html' });
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect(html.body.toString()).toContain('legacy failure');
  });
});
