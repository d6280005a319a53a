/**
 * Express 5 `req.params.rest` of a `*rest` route is an array of decoded
 * segments; the migrated handler rebuilds it from the raw pathname. Both apps answer
 * the same URLs over HTTP: Express 5 with the original handler, the runtime
 * with the converted one on the converted path.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import jscodeshift from 'jscodeshift';
import parseurl from 'parseurl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Server } from '../../runtime/index.js';
import { createFileContext } from './context.js';
import { convertHandler } from './handler.js';
import { convertStringPath } from './route-path.js';

const SOURCE = `(req, res) => {
  const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
  res.json({ rest: req.params.rest, to: '/api/' + req.params.rest.join('/') + query });
}`;
const ROUTE = '/v1/*rest';

function convert(relativeUrl: boolean) {
  const j = jscodeshift.withParser('babel');
  const root = j(`const h = ${SOURCE};`);
  const fc = createFileContext(j, root, { path: 'src/app.js', runtimeImport: 'expressway/runtime', compatImport: 'expressway/compat' });
  const path = convertStringPath(ROUTE, 5);
  if (!path.ok) throw new Error(path.reason);
  const fnNode = root.find(j.ArrowFunctionExpression).get().node;
  const result = convertHandler(fc, fnNode, { role: 'route', relativeUrl, indexNames: path.indexNames, stateReadable: new Set(), wildcards: path.wildcards });
  return { result, paths: path.paths, print: (node: unknown) => j(node as never).toSource() };
}

describe('Express 5 named wildcard in a migrated handler', () => {
  const servers: HttpServer[] = [];
  let express5Url = '';
  let runtimeUrl = '';
  const listen = (handler: Parameters<typeof createServer>[1]) => new Promise<string>((resolve) => {
    const s = createServer(handler).listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`));
    servers.push(s);
  });

  beforeAll(async () => {
    const express = (await import('express5' as string)).default as (...a: unknown[]) => any;
    const app = express();
    app.get(ROUTE, new Function(`return ${SOURCE}`)());
    express5Url = await listen(app);
    const { result, paths, print } = convert(false);
    if (!result.ok) throw new Error(result.reason);
    const server = new Server();
    const handler = new Function('parseurl', `return ${print(result.node)}`)(parseurl);
    for (const p of paths) server.get(p, handler);
    runtimeUrl = await listen(server.handler);
  });
  afterAll(() => { for (const s of servers) s.close(); });

  it('rebuilds the array from the raw pathname, as Express 5 matched it', () => {
    const { result, print } = convert(false);
    expect(result.ok && print(result.node)).toContain(`parseurl(ctx.req).pathname.split('/').slice(2).map(decodeURIComponent)`);
  });

  it('answers like Express 5', async () => {
    for (const url of ['/v1/a', '/v1/a/b/c?x=1', '/v1/a%2Fb/c', '/v1/a%25b', '/v1/%C3%A9t%C3%A9', '/v1/a/', '/V1/x', '/v1', '/v1/', '/v1/a//b', '/v1/a/./b', '/v1//a']) {
      const [e, r] = await Promise.all([fetch(express5Url + url), fetch(runtimeUrl + url)]);
      const body = async (x: Response) => (x.status === 200 ? await x.json() : null);
      expect({ url, status: r.status, body: await body(r) }).toEqual({ url, status: e.status, body: await body(e) });
    }
  });

  it('stays on Express inside a router, where the mount path is unknown to the file', () => {
    const { result } = convert(true);
    expect(result.ok ? 'converted' : result.reason).toMatch(/Express 5 wildcard\) inside a router/);
  });
});
