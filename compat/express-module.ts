/**
 * Finds the user's Express (a peer dependency, 4 or 5) and makes the
 * Express app whose prototypes and settings bridged middleware see. The
 * module is resolved on first use from this package, then from the working
 * directory, unless the caller passes it (`{ express }`).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { compatErrors } from './errors.js';

/** A Connect/Express middleware. Error middleware (4 arguments) is not accepted by fromExpress. */
export type ExpressMiddleware = (req: any, res: any, next: (err?: unknown) => void) => unknown;

/** What compat uses of an Express application. */
export interface ExpressApp {
  (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): void;
  request: object;
  response: object;
  get(setting: string): unknown;
  set(setting: string, value: unknown): unknown;
  disable(setting: string): unknown;
  /** Present on every Express app at run time (how isExpressApp tells one); @types/express does not declare it. */
  handle?: (...args: any[]) => unknown;
}

/** What compat uses of the express module. */
export interface ExpressModule {
  (): ExpressApp;
  Router(options?: object): ExpressMiddleware & { use(...args: unknown[]): unknown };
  request: object;
  response: object;
}

let resolved: ExpressModule | undefined;

export function resolveExpress(given?: ExpressModule): ExpressModule {
  if (given !== undefined) return given;
  resolved ??= requireWhereExpressIs((require) => require('express') as ExpressModule);
  return resolved;
}

/**
 * Loads something through the first place the user's Express resolves from
 * (this package, then the working directory): `load` gets a require for
 * that place. A missing Express is EXW_ERR_COMPAT_EXPRESS_MISSING, with why
 * each place failed.
 */
export function requireWhereExpressIs<T>(load: (require: NodeJS.Require) => T): T {
  const reasons: string[] = [];
  for (const from of [import.meta.url, pathToFileURL(process.cwd() + '/').href]) {
    try {
      return load(createRequire(from));
    } catch (err) {
      reasons.push((err as Error).message.split('\n')[0]!);
    }
  }
  throw compatErrors.EXW_ERR_COMPAT_EXPRESS_MISSING(reasons.join('; '));
}

export function isExpressApp(value: unknown): value is ExpressApp {
  return typeof value === 'function' && typeof (value as ExpressApp).handle === 'function' &&
    typeof (value as ExpressApp).set === 'function' && typeof (value as ExpressApp).request === 'object';
}

/**
 * A private Express app standing in for `req.app` (settings such as 'trust
 * proxy', 'json spaces', 'query parser'). Its 'trust proxy' follows the
 * runtime's trustProxy so req.ip and ctx.ip agree.
 */
export function makeApp(express: ExpressModule, trust: ((addr: string, hop: number) => boolean) | null): ExpressApp {
  const app = express();
  app.disable('x-powered-by');
  if (trust !== null) app.set('trust proxy', trust);
  return app;
}
