/**
 * Gives the raw node req/res what Express middleware expects, as
 * @fastify/express and Express's own init middleware do: the app's
 * request/response prototypes (res.status, res.json, req.get, req.app...),
 * req.res/res.req, originalUrl/baseUrl, and on Express 4 a lazily parsed
 * req.query (Express 5 has a getter for it on the prototype).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExpressApp } from './express-module.js';
import { kQuery } from './symbols.js';

type Loose = Record<string, unknown>;

/**
 * How the Express surface maps onto the raw objects; one line per member
 * (STYLE.md #11). The own properties go on before the prototypes change:
 * V8 shares hidden classes (and the inline caches keyed on them) between
 * objects only for properties added before Object.setPrototypeOf; a
 * property added after it builds a new hidden class for every request.
 */
export function installExpressSurface(app: ExpressApp, req: IncomingMessage, res: ServerResponse): void {
  const r = req as unknown as Loose;
  r.res = res; //                                       req.res
  (res as unknown as Loose).req = req; //              res.req
  if (r.originalUrl === undefined) r.originalUrl = req.url; // req.originalUrl: the canonical target
  if (r.baseUrl === undefined) r.baseUrl = ''; //      req.baseUrl: not mounted
  if (!('next' in r)) r.next = undefined; //          req.next: its slot, set per call (call-express.ts)
  if (!('params' in r)) r.params = undefined; //      req.params: its slot, set by a mount path (from-express.ts)
  if (!('query' in app.request)) defineLazyQuery(req); // req.query (Express 4)
  ownSlot(res, 'statusCode'); //                       node keeps these two on the prototype until the
  ownSlot(res, 'statusMessage'); //                    first writeHead/res.status adds them to the object
  for (const key of REQ_SLOTS) if (!(key in r)) r[key] = undefined;
  for (const key of RES_SLOTS) if (!(key in res)) (res as unknown as Loose)[key] = undefined;
  for (const key of RES_WRAPPED) ownSlot(res, key);
  Object.setPrototypeOf(req, app.request); //          req.get, req.is, req.accepts, req.ip, req.app, ...
  Object.setPrototypeOf(res, app.response); //         res.status, res.json, res.send, res.set, res.cookie, ...
}

/**
 * What the most used middleware add to every request, given their slots
 * before the prototypes change (installExpressSurface): each one missing
 * here builds a hidden class per request, which shows as garbage-collector
 * time. The values stay what a read gave before (undefined).
 */
const REQ_SLOTS = [
  '_parsedUrl', '_parsedOriginalUrl', // parseurl (Express's router and query parser, serve-static, finalhandler)
  'body', '_body', // body-parser, multer, and body-ownership.ts
  'cookies', 'signedCookies', 'secret', // cookie-parser
  '_startAt', '_startTime', '_remoteAddress', // morgan
  '__onFinished', // on-finished (morgan, express-session, finalhandler)
];
const RES_SLOTS = ['_startAt', '_startTime', '__onFinished']; // morgan, on-finished
/** Methods wrapped per request (compression, on-headers): an own copy of the inherited one, the same function. */
const RES_WRAPPED = ['writeHead', 'write', 'end', 'on'];

/** Makes an inherited field an own property holding the same value (before the prototype changes). */
function ownSlot(target: object, key: string): void {
  if (!Object.hasOwn(target, key)) (target as Loose)[key] = (target as Loose)[key];
}

/**
 * Express 4 parses req.query in its 'query' middleware; here it is parsed on
 * first read, with the app's parser. One accessor pair shared by every
 * request, the value in a symbol slot: a fresh getter per request (or
 * turning the accessor into a data property) gives each request its own
 * hidden class, and every property access on req goes megamorphic.
 */
function defineLazyQuery(req: IncomingMessage): void {
  Object.defineProperty(req, 'query', lazyQuery);
}

type WithQuery = { [kQuery]?: unknown; url?: string; app?: ExpressApp };

const lazyQuery: PropertyDescriptor = {
  configurable: true,
  enumerable: true,
  get(this: WithQuery) {
    if (kQuery in this) return this[kQuery];
    const parse = this.app?.get('query parser fn') as ((s: string) => unknown) | undefined;
    const url = this.url ?? '';
    const q = url.indexOf('?');
    return (this[kQuery] = parse === undefined ? {} : parse(q === -1 ? '' : url.slice(q + 1)));
  },
  set(this: WithQuery, value: unknown) {
    this[kQuery] = value;
  },
};
