/**
 * Express-shaped `listen` on the request listener.
 *
 * Express apps are functions with a `listen(port, host?, cb?)` method, and
 * entry files (`server.js`) call it on whatever the app module exports. A
 * migrated app module exports `server.handler`, so the handler carries the
 * same method: it creates an http.Server with the runtime's upgrade handling
 * and timeouts attached, listens with exactly the arguments given, and
 * returns the http.Server, as Express does. New code uses `server.listen({ port })`.
 */
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export type ExpressShapedListener = RequestListener & {
  /** Same arguments as `http.Server#listen` (and Express's `app.listen`); returns the http.Server. */
  listen(...args: Parameters<HttpServer['listen']>): HttpServer;
};

export function withExpressListen(listener: RequestListener, createAttachedServer: () => HttpServer): ExpressShapedListener {
  const shaped = listener as ExpressShapedListener;
  Object.defineProperty(shaped, 'listen', {
    value: (...args: Parameters<HttpServer['listen']>): HttpServer => createAttachedServer().listen(...args),
    enumerable: false,
  });
  return shaped;
}
