/**
 * mountExpress(app): the legacy Express app answers every request the
 * runtime has no route for (the strangler fig), in the same process and on
 * the same port. Register it as the last request middleware:
 *
 *   server.requestMiddleware(mountExpress(legacyApp));
 *
 * It does nothing for requests a runtime route matched; for the others
 * (404 and 405 alike: the legacy app may still serve that method) the
 * runtime's request middleware have run, and its response middleware apply
 * to what Express writes.
 *
 * With the runtime's autoOptions on, an OPTIONS request on a path the
 * runtime knows (no OPTIONS route) still crosses the legacy app, whose own
 * routes may answer it, as Express's router does for them; what Express
 * leaves unanswered comes back for the runtime's automatic answer instead
 * of Express's 404 page, as the one Express app answered before its final
 * handler. Errors still get Express's final handler.
 */
import type { Context, Handler, HeaderValue } from '../runtime/index.js';
import { runtimeAnswersOptions } from '../runtime/auto-options.js';
import { shareRuntimeBody } from './body-ownership.js';
import { callExpress, defaultLogger, type CallOptions, type CompatLogger, type Outcome } from './call-express.js';
import type { RequestBridge } from './response-capture.js';
import { compatErrors } from './errors.js';
import { isExpressApp, type ExpressApp } from './express-module.js';
import { checkTimeout } from './from-express.js';
import { fallThroughWithoutExpress } from './legacy-fall-through.js';
import { prepareLastLayer, prepareRequest } from './prepare.js';
import { DEFAULT_STATE_KEYS, installStateAccessors } from './state-bridge.js';

export interface MountExpressOptions {
  /**
   * Who answers what the legacy app does not handle: 'express' (default)
   * keeps Express's own final handler (its 404 page, its error output), so
   * the app answers exactly as it did alone; 'runtime' hands unmatched
   * requests back to the runtime (its 404/405) and errors to its panic hooks.
   */
  finalHandler?: 'express' | 'runtime';
  /** Milliseconds before a legacy request with no response started gets a 503. Default 120000; 0 disables. */
  timeout?: number;
  logger?: CompatLogger;
  /** req keys that read and write ctx.state.<key>. Default ['user', 'session']. */
  stateKeys?: readonly string[];
}

export function mountExpress<S extends object = any>(app: ExpressApp, opts: MountExpressOptions = {}): Handler<S> {
  if (!isExpressApp(app)) throw compatErrors.EXW_ERR_COMPAT_NOT_MIDDLEWARE('mountExpress()', 'an Express application (express())', app === null ? 'null' : typeof app);
  const finalHandler = opts.finalHandler ?? 'express';
  if (finalHandler !== 'express' && finalHandler !== 'runtime') {
    throw compatErrors.EXW_ERR_COMPAT_INVALID_OPTION('mountExpress()', 'finalHandler', `must be 'express' or 'runtime', got ${String(finalHandler)}`);
  }
  const timeout = checkTimeout('mountExpress()', opts.timeout, 120_000);
  const logger = opts.logger ?? defaultLogger;
  const stateKeys = opts.stateKeys ?? DEFAULT_STATE_KEYS;
  const withoutNext = finalHandler === 'express';
  installStateAccessors(app.request, stateKeys);
  const call: CallOptions = { name: 'legacy app', timeout, logger, withoutNext };
  // OPTIONS the runtime answers when Express does not: the app gets a next, its errors Express's final handler.
  const optionsCall: CallOptions | null = withoutNext ? { ...call, withoutNext: false } : null;
  const optionsApp = optionsCall === null ? null : handingBackUnanswered(app);
  // Only when the runtime answers what Express does not: then a request nothing on the app matches skips the walk.
  const skipUnmatched = finalHandler === 'runtime';
  let caseChecked = false;

  return function legacyExpressApp(ctx: Context<any, any>): Promise<void> | undefined {
    if (ctx.routePattern !== null || ctx._res === null) return undefined; // a runtime route (or a WebSocket upgrade) owns it
    if (!caseChecked) {
      checkCaseSensitivity(app, ctx);
      caseChecked = true;
    }
    const allow = ctx.getHeader('allow'); // set by the runtime for its 405; the legacy app answers on its own terms
    if (allow !== undefined) ctx.removeHeader('allow');
    // Cheap path (STYLE.md #2): with no response middleware to apply, Express writes straight to the socket.
    const capture = ctx._plan!.response !== null;
    const bridge = capture ? prepareRequest(ctx, { app: null, capture, stateKeys: null }) : prepareLastLayer(ctx, null);
    // Without a bridge nothing else puts the builder's headers on what Express writes (a bridge's capture or head hook does).
    if (bridge === null) copyBuilderHeaders(ctx);
    const sharing = shareRuntimeBody(ctx, ctx.req);
    if (optionsApp !== null && ctx.method === 'OPTIONS' && runtimeAnswersOptions(ctx)) {
      if (sharing !== undefined) return sharing.then(() => runOptions(ctx, optionsApp, bridge, optionsCall!, allow));
      return runOptions(ctx, optionsApp, bridge, optionsCall!, allow);
    }
    if (sharing !== undefined) return sharing.then(() => runLegacy(ctx, app, bridge, call, allow, skipUnmatched));
    return runLegacy(ctx, app, bridge, call, allow, skipUnmatched);
  } as Handler<S>;
}

type LegacyHandler = (req: any, res: any, next?: (err?: unknown) => void) => unknown;

/**
 * The app called with a callback: Express's app.handle then ends in it
 * instead of its final handler. Unanswered requests come back (next());
 * an error goes to the final handler app.handle uses without a callback,
 * reached through a copy of the app whose router only passes the error on
 * (Express 4 reads `_router`, Express 5 `router`), so the page, its status
 * and the error log are Express's own.
 */
function handingBackUnanswered(app: ExpressApp): LegacyHandler {
  return (req, res, next) => {
    (app as unknown as LegacyHandler)(req, res, (err?: unknown) => {
      if (err === undefined || err === null || err === 'route' || err === 'router') next!();
      else answerWithExpressFinalHandler(app, req, res, err);
    });
  };
}

function answerWithExpressFinalHandler(app: ExpressApp, req: unknown, res: unknown, err: unknown): void {
  const passesError = { handle: (_req: unknown, _res: unknown, done: (e: unknown) => void) => done(err) };
  const errorOnly = Object.create(app as object, {
    _router: { value: passesError },
    router: { value: passesError },
  }) as { handle(req: unknown, res: unknown): void };
  errorOnly.handle(req, res);
}

function runLegacy(
  ctx: Context<any, any>,
  app: ExpressApp,
  bridge: RequestBridge | null,
  call: CallOptions,
  allow: HeaderValue | undefined,
  skipUnmatched: boolean,
): Promise<void> | undefined {
  // Not with a capturing bridge: its own bookkeeping decides the outcome there (legacy-fall-through.ts).
  if (skipUnmatched && (bridge === null || bridge.originals === null) && fallThroughWithoutExpress(app, ctx.req, ctx.res)) {
    const res = ctx.res;
    return settle(ctx, res.headersSent || res.writableEnded ? 'responded' : 'next', allow);
  }
  const outcome = callExpress(bridge, app, ctx.req, ctx.res, call);
  if (typeof outcome === 'string') return settle(ctx, outcome, allow); // answered synchronously: nothing to wait for
  return outcome.then((o) => settle(ctx, o, allow));
}

function runOptions(ctx: Context<any, any>, handler: LegacyHandler, bridge: RequestBridge | null, call: CallOptions, allow: HeaderValue | undefined): Promise<void> | undefined {
  const outcome = callExpress(bridge, handler as Parameters<typeof callExpress>[1], ctx.req, ctx.res, call);
  if (typeof outcome === 'string') return settle(ctx, outcome, allow);
  return outcome.then((o) => settle(ctx, o, allow));
}

function settle(ctx: Context<any, any>, outcome: Outcome, allow: HeaderValue | undefined): undefined {
  if (outcome === 'responded') ctx.abort();
  else if (allow !== undefined) ctx.setHeader('allow', allow);
  return undefined;
}

/** Headers runtime request middleware set (a request id...) go on the legacy response too; Express may override them. */
function copyBuilderHeaders(ctx: Context<any, any>): void {
  const headers = ctx._headers;
  if (headers === null) return;
  const res = ctx.res;
  for (const name of Object.keys(headers)) res.setHeader(name, headers[name] as string | string[]);
}

/**
 * A case-insensitive runtime in front of a case-sensitive Express app is
 * safe (runtime prefixes match more); the reverse lets `/ADMIN` skip a
 * runtime '/admin' scope while Express still routes it to '/admin'.
 */
function checkCaseSensitivity(app: ExpressApp, ctx: Context<any, any>): void {
  if (ctx._core.options.caseSensitive && !app.get('case sensitive routing')) {
    throw compatErrors.EXW_ERR_COMPAT_CASE_MISMATCH('mountExpress()', 'runtime (caseSensitive: true)', "Express app ('case sensitive routing' off)");
  }
}
