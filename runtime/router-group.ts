/**
 * Registration methods shared by Server and Router (get/post/.../route,
 * requestMiddleware, responseMiddleware, mount), and Router itself: a group
 * of routes and middleware, like express.Router, that `mount(prefix, router)`
 * flattens into the server's route tree. Routes and middleware added to a
 * router after it was mounted reach the server too.
 */
import { runtimeErrors } from './codes.js';
import type { DefaultState, Handler } from './core.js';
import type { PathParams } from './path-params.js';
import { resolveMiddlewareOrder, type MiddlewareOrder, type Position, type Slot } from './registration-order.js';

/** One registration, with its path already joined to the mount prefixes, and its place in registration order. */
export type Registration =
  | { kind: 'route'; method: string; pattern: string; fns: Handler<any, any>[]; position: Position }
  | { kind: 'request'; prefix: string | null; fn: Handler<any, any>; position: Position; atMount?: (mountPath: string) => Handler<any, any> }
  | { kind: 'response'; prefix: string | null; fn: Handler<any, any>; position: Position };

export interface RouterOptions {
  /**
   * 'routes-last' (default): every request middleware of this router runs
   * before any of its routes. 'registration': Express's order, a route runs
   * only the middleware registered before it (registration-order.ts).
   */
  middlewareOrder?: MiddlewareOrder;
}

/** Joins a mount prefix and a path: ('/api', '/users') -> '/api/users', ('/api', '/') -> '/api'. */
export function joinPath(prefix: string, path: string): string {
  const base = prefix.replace(/\/+$/, '');
  if (path === '/' || path === '') return base === '' ? '/' : base;
  return base + path;
}

function checkPath(what: string, path: unknown): asserts path is string {
  if (typeof path !== 'string' || path.charCodeAt(0) !== 47) {
    throw runtimeErrors.EXW_ERR_REGISTER_INVALID_PREFIX(String(path), `${what} paths must start with '/'`);
  }
}

function checkFunctions(what: string, fns: unknown[]): asserts fns is Handler<any, any>[] {
  if (fns.length === 0) throw runtimeErrors.EXW_ERR_REGISTER_NOT_FUNCTION(what, 'nothing');
  for (const fn of fns) {
    if (typeof fn !== 'function') throw runtimeErrors.EXW_ERR_REGISTER_NOT_FUNCTION(what, fn === null ? 'null' : typeof fn);
  }
}

type RouteFns<S extends object, P extends string> = Array<Handler<S, PathParams<P>>>;

export abstract class Registry<S extends object = DefaultState> {
  /** @internal Receives every registration of this registry (and of routers mounted on it). */
  protected abstract register(reg: Registration): void;

  /** @internal Set by the subclass constructor from its options. */
  protected middlewareOrder: MiddlewareOrder = 'routes-last';
  private nextSeq = 0;

  /** The place of the next registration (or mount) on this registry. */
  private nextSlot(): Slot {
    return { seq: this.nextSeq++, ordered: this.middlewareOrder === 'registration' };
  }

  /**
   * Request middleware: `requestMiddleware(fn)` runs for every request,
   * `requestMiddleware('/admin', fn)` for `/admin` and below (segment-aware),
   * in registration order, before route-level middleware and the route.
   */
  requestMiddleware(...fns: Handler<S>[]): this;
  requestMiddleware(prefix: string, ...fns: Handler<S>[]): this;
  requestMiddleware(first: string | Handler<S>, ...rest: Handler<S>[]): this {
    return this.middleware('request', first, rest);
  }

  /** Response middleware: run after the route (or abort), may change status, headers and body. */
  responseMiddleware(...fns: Handler<S>[]): this;
  responseMiddleware(prefix: string, ...fns: Handler<S>[]): this;
  responseMiddleware(first: string | Handler<S>, ...rest: Handler<S>[]): this {
    return this.middleware('response', first, rest);
  }

  /**
   * Request middleware built from the full path its router ends up mounted at (the server's is '/'):
   * `factory(mountPath)` runs once per mount, when the router reaches a server, and the handler it returns is
   * scoped to the mount path like `requestMiddleware(fn)`. compat's mountExpressRouter uses it to hand an
   * Express router the URL below the mount, as Express's app.use(path, router) does.
   */
  requestMiddlewareAtMount(factory: (mountPath: string) => Handler<S>): this {
    checkFunctions('requestMiddlewareAtMount', [factory]);
    this.deliver({ kind: 'request', prefix: null, fn: unmounted, atMount: factory, position: [this.nextSlot()] });
    return this;
  }

  /** Registrations reach register() through here: at the server, mount-built middleware are built. */
  private deliver(reg: Registration): void {
    if (reg.kind === 'request' && reg.atMount !== undefined && !(this instanceof Router)) {
      const fn = reg.atMount(reg.prefix ?? '/');
      checkFunctions('requestMiddlewareAtMount', [fn]);
      reg = { kind: 'request', prefix: reg.prefix, fn, position: reg.position };
    }
    this.register(reg);
  }

  private middleware(kind: 'request' | 'response', first: unknown, rest: unknown[]): this {
    const what = `${kind}Middleware`;
    const prefix = typeof first === 'string' ? first : null;
    const fns = typeof first === 'string' ? rest : [first, ...rest];
    if (prefix !== null) checkPath(what, prefix);
    checkFunctions(what, fns);
    for (const fn of fns) this.deliver({ kind, prefix, fn, position: [this.nextSlot()] });
    return this;
  }

  /** Registers `fns` (route-level middleware, then the handler) for `method` on `pattern`. */
  on<P extends string>(method: string, pattern: P, ...fns: RouteFns<S, P>): this {
    checkPath('route', pattern);
    checkFunctions(`${method.toLowerCase()}('${pattern}')`, fns);
    this.deliver({ kind: 'route', method: method.toUpperCase(), pattern, fns, position: [this.nextSlot()] });
    return this;
  }

  get<P extends string>(pattern: P, ...fns: RouteFns<S, P>): this {
    return this.on('GET', pattern, ...fns);
  }
  post<P extends string>(pattern: P, ...fns: RouteFns<S, P>): this {
    return this.on('POST', pattern, ...fns);
  }
  put<P extends string>(pattern: P, ...fns: RouteFns<S, P>): this {
    return this.on('PUT', pattern, ...fns);
  }
  patch<P extends string>(pattern: P, ...fns: RouteFns<S, P>): this {
    return this.on('PATCH', pattern, ...fns);
  }
  delete<P extends string>(pattern: P, ...fns: RouteFns<S, P>): this {
    return this.on('DELETE', pattern, ...fns);
  }
  head<P extends string>(pattern: P, ...fns: RouteFns<S, P>): this {
    return this.on('HEAD', pattern, ...fns);
  }
  options<P extends string>(pattern: P, ...fns: RouteFns<S, P>): this {
    return this.on('OPTIONS', pattern, ...fns);
  }
  /** Every method (same as route()). */
  all<P extends string>(pattern: P, ...fns: RouteFns<S, P>): this {
    return this.on('*', pattern, ...fns);
  }
  /** Method-agnostic route; a regex in the last segment (`{path:.+}`) swallows the rest of the path. */
  route<P extends string>(pattern: P, ...fns: RouteFns<S, P>): this {
    return this.on('*', pattern, ...fns);
  }

  /** Mounts a Router's routes and middleware under `prefix`, like app.use(prefix, router). */
  mount(prefix: string, router: Router<S>): this {
    checkPath('mount', prefix);
    if (!(router instanceof Router)) throw runtimeErrors.EXW_ERR_REGISTER_NOT_FUNCTION('mount', 'something that is not a Router');
    if ((router as unknown) === this) throw runtimeErrors.EXW_ERR_REGISTER_INVALID_PREFIX(prefix, 'a router cannot be mounted on itself');
    // Everything of the router, also what it registers later, sits at the mount's place (Express enters it here).
    const slot = this.nextSlot();
    router._mountOn(prefix, (reg) => this.deliver({ ...reg, position: [slot, ...reg.position] }));
    return this;
  }
}

/** A group of routes and middleware, mounted with `server.mount(prefix, router)` (like express.Router). */
export class Router<S extends object = DefaultState> extends Registry<S> {
  private readonly log: Registration[] = [];
  private readonly targets: Array<(reg: Registration) => void> = [];

  constructor(options: RouterOptions = {}) {
    super();
    if (options === null || typeof options !== 'object') throw runtimeErrors.EXW_ERR_CONFIG_INVALID('Router options', `expected an object, got ${String(options)}`);
    this.middlewareOrder = resolveMiddlewareOrder(options.middlewareOrder);
  }

  protected register(reg: Registration): void {
    this.log.push(reg);
    for (const target of this.targets) target(reg);
  }

  /** @internal Replays what was registered so far under `prefix`, and forwards what comes later. */
  _mountOn(prefix: string, target: (reg: Registration) => void): void {
    const forward = (reg: Registration) => target(prefixed(prefix, reg));
    for (const reg of this.log) forward(reg);
    this.targets.push(forward);
  }
}

/** Stands in for a mount-built middleware until its router reaches a server; never part of a plan. */
function unmounted(): never {
  throw new Error('requestMiddlewareAtMount: the middleware was not built for its mount');
}

function prefixed(prefix: string, reg: Registration): Registration {
  if (reg.kind === 'route') return { ...reg, pattern: joinPath(prefix, reg.pattern) };
  return { ...reg, prefix: joinPath(prefix, reg.prefix ?? '/') };
}
