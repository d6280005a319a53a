/**
 * The Server: configuration, registration (routes, middleware, hooks), and
 * the node entry points: `handler` (a plain request listener, so
 * `http.createServer(server.handler)` and `supertest(server.handler)` work),
 * `upgradeHandler` (WebSocket upgrades, routed like requests) and
 * `clientErrorHandler` (what node's HTTP parser rejects: 400/408/431).
 */
import { IncomingMessage, createServer as createHttpServer, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { runtimeErrors } from './codes.js';
import { buildPlan, type MiddlewareEntry } from './compile.js';
import { setFallThroughPlanner } from './fall-through.js';
import { Context } from './context.js';
import { withExpressListen, type ExpressShapedListener } from './express-listen.js';
import type { Core, DefaultState, ErrorHook, Handler, Params, Plan } from './core.js';
import type { ClusterHandle } from './cluster.js';
import type { ListenOptions, RunningServer } from './listen.js';
import { allowFor, answerOptions, markAutoOptionsPlan } from './auto-options.js';
import { decodeParam, holdsMalformedSegment, normalizePath, rawPathOf } from './normalize-path.js';
import { paramDecodeFailure } from './param-decode-error.js';
import { comparePositions } from './stack-order.js';
import { resolveOptions, type ResolvedOptions, type ServerOptions } from './options.js';
import { PathScope } from './path-scope.js';
import { withPrefixParams } from './prefix-params.js';
import { defaultNotFound, failRequest, mayAnswerClientError, runPipeline } from './pipeline.js';
import type { Position } from './registration-order.js';
import { runsBeforeRoute } from './registration-order.js';
import { Registry, type Registration } from './router-group.js';
import { RouteTree } from './router.js';
import { installSendTimeout } from './send-timeout.js';
import { WebSocketRegistry } from './websocket.js';

interface RouteValue {
  pattern: string;
  fns: Handler<any, any>[];
  plan: Plan | null;
  position: Position;
}

const EMPTY_PARAMS: Params = Object.freeze(Object.create(null) as Params);


function ignoreSocketError(): void {
  // An upgrade or parser-error socket may reset at any time; the close path cleans up.
}

export class Server<S extends object = DefaultState> extends Registry<S> {
  /** The resolved options (defaults applied). */
  readonly config: ResolvedOptions;
  /** @internal */ readonly _core: Core;
  private readonly tree: RouteTree<RouteValue>;
  private readonly routeValues: RouteValue[] = [];
  private readonly requestEntries: MiddlewareEntry[] = [];
  private readonly responseEntries: MiddlewareEntry[] = [];
  private notFoundFns: Handler<any, any>[] = [defaultNotFound];
  private dirty = true;
  private notFoundPlan!: Plan;
  private methodNotAllowedPlan!: Plan;
  /** OPTIONS on a known path with no OPTIONS route, when autoOptions is on. */
  private autoOptionsPlan: Plan | null = null;
  /** malformedPath not 'reject': a route whose param holds an undecodable segment fails with Express's URIError; built on first use. */
  private readonly paramErrorPlans = new Map<RouteValue, Plan>();
  private readonly keepMalformed: boolean;
  /** Plan for requests that failed before routing: only unscoped response middleware apply. */
  private errorPlan!: Plan;
  /** @internal Set while a listen() handle is open. */
  _listening = false;
  /** Built on a route's first ctx.fallThrough(), keyed by the plan it continues (a recompile makes new plans). */
  private readonly fallThroughPlans = new WeakMap<Plan, Plan>();

  constructor(options: ServerOptions = {}) {
    super();
    this.config = resolveOptions(options);
    this.middlewareOrder = this.config.middlewareOrder;
    this.keepMalformed = this.config.malformedPath !== 'reject';
    this._core = {
      options: this.config,
      panicHooks: [],
      requestErrorHooks: [],
      websockets: new WebSocketRegistry(),
      eventStreams: new Set(),
      draining: false,
    };
    this.tree = new RouteTree<RouteValue>({
      caseSensitive: this.config.caseSensitive,
      ignoreTrailingSlash: this.config.ignoreTrailingSlash,
    });
    setFallThroughPlanner(this._core, (ctx) => this.fallThroughPlan(ctx));
  }

  protected register(reg: Registration): void {
    this.dirty = true;
    if (reg.kind === 'route') {
      const value: RouteValue = { pattern: reg.pattern, fns: reg.fns, plan: null, position: reg.position };
      this.tree.add(reg.method, reg.pattern, value); // duplicate or invalid patterns throw here
      this.routeValues.push(value);
      return;
    }
    const scope = reg.prefix === null || reg.prefix === '/' ? null : new PathScope(reg.prefix, this.config.caseSensitive);
    if (reg.kind === 'response') {
      this.responseEntries.push({ scope, fn: reg.fn, position: reg.position });
      return;
    }
    // A prefix with a param hands its captures to the middleware (prefix-params.ts).
    const fn = scope === null ? reg.fn : withPrefixParams(scope.prefix, reg.fn);
    this.requestEntries.push({ scope, fn, position: reg.position });
  }

  /** Receives any error thrown or rejected in middleware, routes or response middleware; ctx.error is set. */
  panicHook(hook: ErrorHook<S>): this {
    if (typeof hook !== 'function') throw runtimeErrors.EXW_ERR_REGISTER_NOT_FUNCTION('panicHook', typeof hook);
    this._core.panicHooks.push(hook);
    return this;
  }

  /** Receives request errors: bad paths, body parse errors and limits, parser errors, timeouts (400/408/413/415/431). */
  requestErrorHook(hook: ErrorHook<S>): this {
    if (typeof hook !== 'function') throw runtimeErrors.EXW_ERR_REGISTER_NOT_FUNCTION('requestErrorHook', typeof hook);
    this._core.requestErrorHooks.push(hook);
    return this;
  }

  /** Replaces the default 404 answer. Request middleware still run before it. */
  notFound(...fns: Handler<S>[]): this {
    for (const fn of fns) if (typeof fn !== 'function') throw runtimeErrors.EXW_ERR_REGISTER_NOT_FUNCTION('notFound', typeof fn);
    if (fns.length === 0) throw runtimeErrors.EXW_ERR_REGISTER_NOT_FUNCTION('notFound', 'nothing');
    this.notFoundFns = fns;
    this.dirty = true;
    return this;
  }

  /** Registered routes, in registration order. */
  routes(): Array<{ method: string; pattern: string }> {
    return this.tree.routes().map(({ method, pattern }) => ({ method, pattern }));
  }

  /** Builds every plan; runs before the first request after any registration. */
  compile(): void {
    const req = this.requestEntries;
    const res = this.responseEntries;
    for (const value of this.routeValues) value.plan = buildPlan(value.pattern, req, res, value.fns, value.position);
    this.notFoundPlan = buildPlan(null, req, res, this.notFoundFns);
    this.methodNotAllowedPlan = buildPlan(null, req, res, [(ctx) => this.methodNotAllowed(ctx)]);
    this.errorPlan = buildPlan(null, [], res.filter((e) => e.scope === null), []);
    const style = this.config.autoOptions;
    this.autoOptionsPlan = style === null ? null : markAutoOptionsPlan(buildPlan(null, req, res, [(ctx) => this.answerOptions(ctx, style)]));
    this.paramErrorPlans.clear();
    this.dirty = false;
  }

  /**
   * A node request listener: `http.createServer(server.handler)`. It also
   * carries an Express-shaped `listen(...)`, so a migrated module that
   * exports `server.handler` where it used to export an Express app keeps
   * working for entry files that call `app.listen(port, cb)` on it.
   */
  readonly handler: ExpressShapedListener = withExpressListen(
    (req: IncomingMessage, res: ServerResponse): void => {
      if (this.dirty) this.compile();
      const ctx = new Context<S>(this._core, req, res);
      if (this.resolve(ctx)) runPipeline(ctx);
    },
    () => this.attach(createHttpServer()),
  );

  /** A node 'upgrade' listener: routes the upgrade, runs request middleware, then the route may call ctx.upgrade(). */
  readonly upgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', ignoreSocketError);
    if (this.dirty) this.compile();
    const ctx = new Context<S>(this._core, req, null, socket, head);
    if (this._core.draining) {
      ctx._plan = this.errorPlan;
      ctx.status = 503;
      runPipeline(ctx);
      return;
    }
    if (this.resolve(ctx)) runPipeline(ctx);
  };

  /**
   * A node 'clientError' listener: the parser rejected the request (bad
   * request line, headers over maxHeaderSize, a timeout). The request-error
   * hooks see it, the client gets a proper 4xx, then the socket closes.
   */
  readonly clientErrorHandler = (err: Error & { code?: string }, socket: Duplex): void => {
    socket.on('error', ignoreSocketError);
    if (err.code === 'ECONNRESET' || !socket.writable || !mayAnswerClientError(socket)) {
      socket.destroy();
      return;
    }
    if (this.dirty) this.compile();
    const req = new IncomingMessage(socket as Socket);
    req.method = 'GET';
    req.url = '/';
    const ctx = new Context<S>(this._core, req, null, socket, null);
    ctx._plan = this.errorPlan;
    failRequest(ctx, this.clientErrorOf(err));
  };

  private clientErrorOf(err: Error & { code?: string }): Error {
    switch (err.code) {
      case 'HPE_HEADER_OVERFLOW':
        return runtimeErrors.EXW_ERR_HTTP_HEADERS_TOO_LARGE(this.config.maxHeaderSize);
      case 'ERR_HTTP_REQUEST_TIMEOUT':
      case 'HPE_HEADER_TIMEOUT':
        return runtimeErrors.EXW_ERR_HTTP_TIMEOUT(err.code);
      default:
        return runtimeErrors.EXW_ERR_HTTP_BAD_REQUEST(err.code ?? err.message);
    }
  }

  /**
   * What a request runs after ctx.fallThrough() (fall-through.ts). From a
   * route: the request middleware its plan left out (registered after it),
   * then notFound, as the 404 plan runs them. From a request that no route
   * matched (or that already fell through): the default 404, the runtime's
   * counterpart of Express's final handler.
   */
  private fallThroughPlan(ctx: Context<any, any>): Plan {
    const from = ctx._plan!;
    let plan = this.fallThroughPlans.get(from);
    if (plan !== undefined) return plan;
    const route = ctx.routePattern === null ? undefined : this.routeValues.find((value) => value.plan === from);
    const response = this.responseEntries;
    if (route === undefined) {
      plan = buildPlan(null, [], response, [defaultNotFound]);
    } else {
      const later = this.requestEntries.filter((e) => e.position !== undefined && !runsBeforeRoute(e.position, route.position));
      plan = buildPlan(null, later, response, this.notFoundFns);
    }
    this.fallThroughPlans.set(from, plan);
    return plan;
  }

  /** Normalises the path and finds the plan; false when the request already failed. */
  private resolve(ctx: Context<S>): boolean {
    let path: string;
    try {
      path = normalizePath(rawPathOf(ctx.url), this.keepMalformed);
    } catch (err) {
      ctx._plan = this.errorPlan;
      failRequest(ctx, err);
      return false;
    }
    ctx.path = path;
    const match = this.tree.find(ctx.method, path);
    if (match.kind === 'found') {
      const params = match.params;
      ctx.params = params;
      ctx.routePattern = match.pattern;
      ctx._plan = match.value.plan;
      // Only %2F and %25 are still encoded in a normalised path (and, with keepMalformed, segments that could not be decoded).
      if (path.indexOf('%') !== -1) this.decodeParams(ctx, params, match.value);
      return true;
    }
    ctx.params = EMPTY_PARAMS;
    if (match.kind === 'method-not-allowed' && this.keepMalformed && path.indexOf('%') !== -1 && this.failsOnOtherMethod(ctx, path)) return true;
    if (match.kind === 'method-not-allowed' && this.autoOptionsPlan !== null && ctx.method === 'OPTIONS') {
      ctx._plan = this.autoOptionsPlan;
    } else if (match.kind === 'method-not-allowed' && this.config.methodNotAllowed) {
      ctx._plan = this.methodNotAllowedPlan;
    } else {
      ctx._plan = this.notFoundPlan;
    }
    return true;
  }

  /**
   * A param holding a segment that could not be decoded: Express 4 and 5
   * throw from the layer's match, after the middleware registered before the
   * route ran, so the route's own functions are replaced by that throw.
   */
  private decodeParams(ctx: Context<S>, params: Params, value: RouteValue): void {
    for (const key in params) {
      const raw = params[key]!;
      if (this.keepMalformed && holdsMalformedSegment(raw)) {
        ctx._plan = this.paramErrorPlan(value);
        return;
      }
      params[key] = decodeParam(raw);
    }
  }

  /**
   * Express matches a route's path (and decodes its params) before it looks
   * at the method: a route of another method whose param holds an
   * undecodable segment fails the request too, at the first such route in
   * stack order. Only for paths holding such a segment.
   */
  private failsOnOtherMethod(ctx: Context<S>, path: string): boolean {
    const routes = this.tree.matchingRoutes(path);
    if (routes.length === 0) return false;
    const first = routes.reduce((a, b) => (comparePositions(b.value.position, a.value.position) < 0 ? b : a));
    const own = this.tree.find(first.method, path);
    const params = own.kind === 'found' && own.value === first.value ? own.params : EMPTY_PARAMS;
    if (!Object.values(params).some(holdsMalformedSegment) && !path.split('/').some(holdsMalformedSegment)) return false;
    ctx.params = params;
    ctx.routePattern = first.pattern;
    ctx._plan = this.paramErrorPlan(first.value);
    return true;
  }

  private paramErrorPlan(value: RouteValue): Plan {
    let plan = this.paramErrorPlans.get(value);
    if (plan === undefined) {
      plan = buildPlan(value.pattern, this.requestEntries, this.responseEntries, [paramDecodeFailure()], value.position);
      this.paramErrorPlans.set(value, plan);
    }
    return plan;
  }

  /** Express's automatic OPTIONS answer (auto-options.ts), when no request middleware answered first. The path is walked again: OPTIONS answers are rare. */
  private answerOptions(ctx: Context<S>, style: 'express4' | 'express5'): void {
    const routes = this.tree.matchingRoutes(ctx.path).map(({ method, value }) => ({ method, position: value.position }));
    answerOptions(ctx, style, allowFor(routes, style));
  }

  /**
   * The 405 answer, with Allow. The header is set here, not when the path is
   * resolved: a middleware that answers first (cors' 204 preflight, a legacy
   * Express app) sends no Allow, as in Express, where only the router's own
   * OPTIONS answer carries one. The path is looked up again: 405s are rare.
   */
  private methodNotAllowed(ctx: Context<S>): void {
    const match = this.tree.find(ctx.method, ctx.path);
    if (match.kind === 'method-not-allowed') ctx.setHeader('allow', match.allowed.join(', '));
    ctx.status = 405;
    ctx.json({ statusCode: 405, error: 'Method Not Allowed', message: `Method ${ctx.method} is not allowed on ${ctx.path}` });
  }

  /** Installs handler, upgradeHandler, clientErrorHandler and the timeouts on an existing http.Server. */
  attach(httpServer: HttpServer): HttpServer {
    const o = this.config;
    httpServer.on('request', this.handler);
    httpServer.on('upgrade', this.upgradeHandler);
    httpServer.on('clientError', this.clientErrorHandler);
    httpServer.keepAliveTimeout = o.keepAliveTimeout;
    httpServer.headersTimeout = o.headersTimeout;
    httpServer.requestTimeout = o.requestTimeout;
    installSendTimeout(httpServer, o.sendTimeout);
    return httpServer;
  }

  /**
   * Starts listening. Returns a handle whose close() drains gracefully.
   * With `workers: n` the primary forks n cluster workers running the same
   * script (each calls listen too and serves), and returns a ClusterHandle.
   */
  listen(options: ListenOptions & { workers: number }): Promise<ClusterHandle | RunningServer>;
  listen(options?: ListenOptions): Promise<RunningServer>;
  async listen(options: ListenOptions = {}): Promise<RunningServer | ClusterHandle> {
    if (options.workers !== undefined) {
      const { listenCluster } = await import('./cluster.js');
      return listenCluster(this, options);
    }
    const { listen } = await import('./listen.js');
    return listen(this, options);
  }
}
