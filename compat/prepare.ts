/**
 * Prepares a runtime request for Express code, once per request however
 * many bridges it crosses: the canonical url (the path the runtime routed
 * on), shared state, and optionally Express's prototypes and the response
 * capture.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from '../runtime/index.js';
import { canonicalUrl } from './canonical-path.js';
import type { ExpressApp } from './express-module.js';
import { installExpressSurface } from './express-prototypes.js';
import { bridgeOf, createBridge, installWriteBridge, type RequestBridge } from './response-capture.js';
import { linkStateKeys, shareState } from './state-bridge.js';

export interface PrepareOptions {
  /** Install this app's prototypes (fromExpress); null when an Express app does it itself (mountExpress). */
  app: ExpressApp | null;
  capture: boolean;
  /** Keys to define on the request, or null when they are on the app's request prototype already. */
  stateKeys: readonly string[] | null;
}

export function prepareRequest(ctx: Context<any, any>, opts: PrepareOptions): RequestBridge {
  const req: IncomingMessage = ctx.req;
  const res: ServerResponse = ctx.res;
  let bridge = bridgeOf(res);
  if (bridge === undefined) {
    bridge = createBridge(ctx, res);
    prepareOnce(ctx, req, res, opts.stateKeys);
  } else if (opts.stateKeys !== null) linkStateKeys(ctx, req, opts.stateKeys);
  // Own properties first, prototypes last (installExpressSurface): V8 does not share the hidden
  // classes of properties added after Object.setPrototypeOf, so each request would build its own.
  if (opts.capture) installWriteBridge(bridge, res);
  if (opts.app !== null && !bridge.prepared) {
    bridge.prepared = true;
    installExpressSurface(opts.app, req, res);
  }
  return bridge;
}

/**
 * The cheap path of mountExpress (no capture, Express is the last layer):
 * the same url and state preparation, without a bridge object. Returns null
 * when an earlier bridge already prepared the request.
 */
export function prepareLastLayer(ctx: Context<any, any>, stateKeys: readonly string[] | null): RequestBridge | null {
  const res: ServerResponse = ctx.res;
  const bridge = bridgeOf(res);
  if (bridge !== undefined) return bridge;
  prepareOnce(ctx, ctx.req, res, stateKeys);
  return null;
}

function prepareOnce(ctx: Context<any, any>, req: IncomingMessage, res: ServerResponse, stateKeys: readonly string[] | null): void {
  // Security: Express matches prefixes on req.url; make it the path the runtime matched on.
  req.url = canonicalUrl(ctx.url, ctx.path);
  shareState(ctx, req, res, stateKeys);
}
