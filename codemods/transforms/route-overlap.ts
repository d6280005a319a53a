/**
 * Whether registrations can meet the same requests: by method and path segment by segment (registrationsMeet),
 * a middleware prefix against an earlier route or mount (mayOverlap), and which registrations Express tries in
 * order before a later catch-all use() (isRouteLike). Decides where registration order matters.
 */
import { isStringLiteral } from './ast-utils.js';
import type { ReceiverUse } from './receiver-uses.js';

/** Whether some request can reach both a route and another registration: by method, then segment by segment. */
export function registrationsMeet(route: ReceiverUse, other: ReceiverUse): boolean {
  const methodsOf = (u: ReceiverUse): string[] => (u.kind === 'route-chain' ? u.methods.map((m) => m.method.toLowerCase()) : u.kind === 'registration' ? [u.method.toLowerCase()] : ['use']);
  const [mine, theirs] = [methodsOf(route), methodsOf(other)];
  const methodMeets = (a: string, b: string) => a === b || [a, b].some((m) => m === 'all' || m === 'use') || (a === 'get' && b === 'head') || (a === 'head' && b === 'get');
  if (!mine.some((a) => theirs.some((b) => methodMeets(a, b)))) return false;
  const pathOf = (u: ReceiverUse): any => (u.kind === 'route-chain' ? u.path : u.kind === 'registration' ? u.args[0] : null);
  const prefix = other.kind === 'registration' && other.method === 'use';
  const otherPath = pathOf(other);
  const routePath = pathOf(route);
  if (!isStringLiteral(routePath)) return true;
  if (prefix && !isStringLiteral(otherPath)) return true; // app.use(router): every path
  if (!isStringLiteral(otherPath)) return true;
  const split = (s: string) => s.toLowerCase().split('/').filter(Boolean);
  const [a, b] = [split(routePath.value), split(otherPath.value)];
  for (let s = 0; s < Math.min(a.length, b.length); s++) {
    if (spansSegments(a[s]) || spansSegments(b[s])) return true; // spans or skips segments
    if (/[:()]/.test(a[s]) || /[:()]/.test(b[s]) || a[s] === b[s]) continue;
    return false;
  }
  if (a.length === b.length) return true;
  const longer = a.length > b.length ? a : b;
  if (longer.slice(Math.min(a.length, b.length)).some((seg) => /[*?]/.test(seg))) return true;
  return prefix && b.length < a.length; // a router under a shorter prefix holds longer paths
}

/**
 * A path segment that may span or skip segments: `*`, `?` or `+` outside a param's own pattern, or a param
 * pattern that can match '/' (`(.*)`, a negated class, `\W`, `\S`, `\D`); `:file([\w-]+\.(?:csv|txt))` cannot.
 */
function spansSegments(segment: string): boolean {
  const param = /^:[A-Za-z_$][\w$]*\((.*)\)$/.exec(segment);
  if (!param) return /[*?+]/.test(segment);
  // Escapes that never match '/' go first; what is left may match it if it has '.', '/', a negated class or a wide escape.
  const rest = param[1].replace(/\\[\\.dws\-_]/g, '');
  return /[./]|\[\^|\\[WDS]/.test(rest);
}

/**
 * Routes, and routers mounted under a prefix (`app.use('/api', api)`,
 * `app.use('/users', require('./users'))`): what Express tries in order
 * before a later catch-all `use`.
 */
export function isRouteLike(u: ReceiverUse): boolean {
  if (u.kind === 'route-chain') return true;
  if (u.kind !== 'registration') return false;
  if (u.method !== 'use') return true;
  if (!isStringLiteral(u.args[0]) || u.args[0].value === '/') return false;
  return u.args.slice(1).some((a: any) => a.type === 'Identifier'
    || (a.type === 'CallExpression' && a.callee.type === 'Identifier' && a.callee.name === 'require'));
}

/** The path prefix of `app.use('/p', ...)`, '/' without one, null when it is not a string literal. */
export function usePrefix(use: Extract<ReceiverUse, { kind: 'registration' }>): string | null {
  const first = use.args[0];
  if (isStringLiteral(first)) return first.value;
  return first && /Function|Identifier|CallExpression|ArrayExpression/.test(first.type) ? '/' : null;
}

/**
 * Whether middleware under `prefix` can meet the requests of an earlier route or mount `earlier`: if it
 * cannot (`/api` after `/health`), registration order changes nothing there. Params and patterns match anything.
 */
export function mayOverlap(prefix: string | null, earlier: ReceiverUse): boolean {
  const path = earlier.kind === 'route-chain' ? earlier.path : earlier.kind === 'registration' ? earlier.args[0] : null;
  if (prefix === null || !isStringLiteral(path)) return true;
  const split = (p: string) => p.toLowerCase().split('/').filter(Boolean);
  const [mw, other] = [split(prefix), split(path.value)];
  const isMount = earlier.kind === 'registration' && earlier.method === 'use';
  // A route shorter than the prefix cannot lie inside it (unless a pattern swallows segments); a mount's routes can.
  if (!isMount && other.length < mw.length && !/[*(]/.test(path.value)) return false;
  for (let i = 0; i < Math.min(mw.length, other.length); i++) {
    if (/[:*?+()]/.test(other[i]) || mw[i] === other[i]) continue;
    return false;
  }
  return true;
}
