/**
 * expressway/helpers side by side with real Express 4 and 5: the Location
 * header res.location writes, the pathname Express's req.path reads, and the
 * 406 error res.format hands to next(), against what the helpers give for
 * the same input, over real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express4 from 'express';
import express5 from 'express5';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createError, encodeUrl, parseurl } from 'expressway/helpers';

type Express = typeof express4;
const majors: Array<[string, Express]> = [['Express 4', express4], ['Express 5', express5 as unknown as Express]];

const servers: http.Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(handler: http.RequestListener): Promise<number> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** One request with `target` as the raw request target; the response's Location header and body. */
async function request(port: number, target: string, headers: Record<string, string> = {}): Promise<{ location: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: target, agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ location: res.headers.location, body: Buffer.concat(chunks).toString() }));
    }).on('error', reject);
  });
}

const LOCATIONS = [
  '/plain/path', '/with space', '/ünïcödé/€', '/already%20encoded', '/bad%zzescape', '/percent%', '/q?a=1&b=two words#frag',
  'https://example.com/a b?c=d e', '//protocol-relative/x', '/brackets[1]/{x}', '/quote"and\'apostrophe', '/back\\slash',
  '/%E2%82%AC%2F', '/tab\there', '', 'back-not-special/../x', '/emoji/\u{1F600}',
];

const TARGETS = [
  '/plain', '/a%20b/c', '/files/%E2%82%AC.txt', '/x//y/./../z/', '/docs/?q=1', '/UPPER/Case?x=%20', '/semi;colon', '/%2e%2e/secret',
  'http://127.0.0.1/absolute/form?x=1', '/trailing/', '/?only=query',
];

describe.each(majors)('encodeUrl and res.location on %s', (_name, express) => {
  let port = 0;
  beforeAll(async () => {
    const app = express();
    app.get('/loc', (req, res) => { res.location(String(req.query.u)).end(); });
    port = await listen(app);
  });

  it.each(LOCATIONS)('writes the same Location for %j', async (loc) => {
    const { location } = await request(port, `/loc?u=${encodeURIComponent(loc)}`);
    expect(location).toBe(encodeUrl(loc));
  });
});

describe.each(majors)('parseurl and req.path on %s', (_name, express) => {
  let expressPort = 0;
  let helperPort = 0;
  beforeAll(async () => {
    const app = express();
    app.use((req, res) => { res.json({ path: req.path }); });
    expressPort = await listen(app);
    // A request parseurl has not seen yet (Express memoises its own parse on req._parsedUrl).
    helperPort = await listen((req, res) => { res.end(JSON.stringify({ path: parseurl(req).pathname })); });
  });

  it.each(TARGETS)('reads the same pathname from %j', async (target) => {
    const [viaExpress, viaHelper] = await Promise.all([request(expressPort, target), request(helperPort, target)]);
    expect(JSON.parse(viaHelper.body)).toEqual(JSON.parse(viaExpress.body));
  });
});

/** The error's own enumerable properties and the fields an error handler reads. */
function describeError(err: any): Record<string, unknown> {
  return {
    name: err.name, message: err.message, status: err.status, statusCode: err.statusCode, expose: err.expose,
    types: err.types, headers: err.headers, own: Object.keys(err).sort(), isHttpError: createError.isHttpError?.(err),
  };
}

describe.each(majors)('createError and res.format on %s', (_name, express) => {
  let port = 0;
  beforeAll(async () => {
    const app = express();
    app.get('/fmt', (_req, res) => { res.format({ 'text/html': () => res.send('<p>'), json: () => res.json({}) }); });
    app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => { res.json(describeError(err)); });
    port = await listen(app);
  });

  it('makes the 406 Express hands to next() for nothing acceptable', async () => {
    const { body } = await request(port, '/fmt', { accept: 'image/png' });
    const expected = describeError(createError(406, { types: ['text/html', 'application/json'] }));
    expect(JSON.parse(body)).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(JSON.parse(body).status).toBe(406);
  });
});
