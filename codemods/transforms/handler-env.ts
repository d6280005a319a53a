/** What a handler conversion knows about where the handler is registered. */
import { cloneNode } from './ast-utils.js';
import type { FileContext } from './context.js';
import type { Settle } from './respond-promise.js';

export type Role = 'route' | 'middleware' | 'error' | 'notFound';

export interface HandlerEnv {
  fc: FileContext;
  role: Role;
  /** 'app' when registered on an app at its root; 'router' or path-scoped use makes req.url/req.path relative in Express. */
  relativeUrl: boolean;
  /** Express params[N] -> runtime param name, from the route path. */
  indexNames: Map<number, string>;
  /** Custom request properties (req.user) that may be read from ctx.state: set by migrated code, or bridged by compat. */
  stateReadable: Set<string>;
  /** Name chosen for the context parameter. */
  ctx: string;
  /** True when the handler sets Content-Type itself before sending (res.send keeps it, as Express does). */
  setsContentType: boolean;
  /** True when the handler res.send()s a string: Express then adds charset=utf-8 to the Content-Type it set. */
  sendsString: boolean;
  /** Custom request properties this handler stores on ctx.state; committed only when the conversion succeeds. */
  stateWrites: Set<string>;
  /** Route-level Express middleware (through fromExpress) precede this handler: req.<x> they set can be bridged. */
  bridgeable: boolean;
  /** Custom properties read through that bridge: added to those fromExpress calls' stateKeys. */
  bridgedReads: Set<string>;
  /** Segments of the route's own (router-relative) path, to compute Express's req.baseUrl; null when unknown. */
  routeSegments: number | null;
  /** Set when the handler answers from callbacks through one promise (respond-promise.ts): every decision is guarded. */
  settle: Settle | null;
  /** Express 5 named wildcards of the route path (`*rest`) -> path segments before them (route-path-v5.ts). */
  wildcards: Map<string, number>;
  /** A route's next() may become ctx.fallThrough(); the registration proves it equivalent afterwards (registrations.ts). */
  fallThrough: boolean;
  /** Set once a next() became ctx.fallThrough(). */
  fellThrough: boolean;
}

/**
 * Parses one expression in the file's own parser. A file asks for the same
 * few snippets again and again (`ctx.params.id` once per handler), so each
 * is parsed once per file and handed out as a fresh copy that keeps recast's
 * `original`/`loc` links: it prints exactly as a new parse would. The cache
 * hangs off the file's jscodeshift instance, which carries its parser.
 */
export function expr(env: HandlerEnv, code: string): any {
  return cloneNode(parsedOnce(env, 'expression', code));
}

export function stmt(env: HandlerEnv, code: string): any {
  return cloneNode(parsedOnce(env, 'statement', code));
}

const parsedSnippets = new WeakMap<object, Map<string, any>>();

function parsedOnce(env: HandlerEnv, kind: 'expression' | 'statement', code: string): any {
  const template = env.fc.j.template;
  let cache = parsedSnippets.get(template);
  if (!cache) parsedSnippets.set(template, (cache = new Map()));
  const key = `${kind}\n${code}`;
  let node = cache.get(key);
  if (node === undefined) {
    node = template[kind]([code] as unknown as TemplateStringsArray);
    cache.set(key, node);
  }
  return node;
}

/** Thrown inside a conversion to abandon it; the handler then stays on Express. */
export class NotConvertible extends Error {}

export function fail(reason: string): never {
  throw new NotConvertible(reason);
}
