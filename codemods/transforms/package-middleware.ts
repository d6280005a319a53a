/**
 * Well-known Express middleware packages with a faithful counterpart that
 * does not patch res: `compression(...)`, `cors(...)`, `helmet(...)`,
 * `morgan(...)`, and limiters made by express-rate-limit (`rateLimited`).
 * Through fromExpress they cost more than the rest of a migrated request
 * (each wraps res.writeHead/write/end or listens for the end of every
 * response); their counterparts give the same bytes on the wire.
 *
 * One translator per package, in its own file; a translator answers the
 * replacement call, or why this call cannot be translated (the call then
 * runs through fromExpress like any third-party middleware, with the reason
 * in the report).
 */
import type { ASTPath } from 'jscodeshift';
import type { FileContext } from './context.js';
import { calleeModule } from './handler-refs.js';
import { translateCompression } from './compression-rule.js';
import { translateCors } from './cors-rule.js';
import { translateHelmet } from './helmet-rule.js';
import { translateMorgan } from './morgan-rule.js';
import { translateRateLimited } from './rate-limit-rule.js';

export interface PackageTranslation {
  /** The expression registered in place of the package's middleware call. */
  node: any;
  /** Names the file must import from expressway/runtime and expressway/compat. */
  runtimeNames?: string[];
  compatNames?: string[];
}

/** The replacement for `argPath` (a call of the package's factory), or why there is none. */
export type PackageTranslator = (fc: FileContext, argPath: ASTPath<any>) => PackageTranslation | string;

const TRANSLATORS = new Map<string, PackageTranslator>();
TRANSLATORS.set('helmet', translateHelmet);
TRANSLATORS.set('morgan', translateMorgan);
TRANSLATORS.set('compression', translateCompression);
TRANSLATORS.set('cors', translateCors);

/** Null when `argPath` is not a direct call of a package with a translator. */
export function translatePackageMiddleware(fc: FileContext, argPath: ASTPath<any>): PackageTranslation | string | null {
  const node = argPath.node;
  // express-rate-limit: a rateLimit(...) call or a name bound to a limiter (rate-limit-rule.ts).
  const limiter = translateRateLimited(fc, argPath);
  if (limiter !== null) return limiter;
  if (node?.type !== 'CallExpression') return null;
  const pkg = calleeModule(argPath, node.callee);
  const translate = pkg === null ? undefined : TRANSLATORS.get(pkg);
  return translate ? translate(fc, argPath) : null;
}
