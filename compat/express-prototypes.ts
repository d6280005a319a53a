/**
 * Gives the raw node req/res what Express middleware expects, as
 * @fastify/express and Express's own init middleware do: the app's
 * request/response prototypes (res.status, res.json, req.get, req.app...),
 * req.res/res.req, originalUrl/baseUrl, and on Express 4 a lazily parsed
 * req.query (Express 5 has a getter for it on the prototype).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExpressApp } from './express-module.js';

type Loose = Record<string, unknown>;

/** How the Express surface maps onto the raw objects; one line per member (STYLE.md #11). */
export function installExpressSurface(app: ExpressApp, req: IncomingMessage, res: ServerResponse): void {
  Object.setPrototypeOf(req, app.request); //          req.get, req.is, req.accepts, req.ip, req.app, ...
  Object.setPrototypeOf(res, app.response); //         res.status, res.json, res.send, res.set, res.cookie, ...
  const r = req as unknown as Loose;
  r.res = res; //                                       req.res
  (res as unknown as Loose).req = req; //              res.req
  if (r.originalUrl === undefined) r.originalUrl = req.url; // req.originalUrl: the canonical target
  if (r.baseUrl === undefined) r.baseUrl = ''; //      req.baseUrl: not mounted
  if (!('query' in app.request)) defineLazyQuery(app, req); // req.query (Express 4)
}

/** Express 4 parses req.query in its 'query' middleware; here it is parsed on first read, with the app's parser. */
function defineLazyQuery(app: ExpressApp, req: IncomingMessage): void {
  const store = (value: unknown) => {
    Object.defineProperty(req, 'query', { value, writable: true, configurable: true, enumerable: true });
    return value;
  };
  Object.defineProperty(req, 'query', {
    configurable: true,
    enumerable: true,
    get() {
      const parse = app.get('query parser fn') as ((s: string) => unknown) | undefined;
      const url = req.url ?? '';
      const q = url.indexOf('?');
      return store(parse === undefined ? {} : parse(q === -1 ? '' : url.slice(q + 1)));
    },
    set: store,
  });
}
