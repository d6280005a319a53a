/**
 * `cors(options)` from 'cors' -> `corsPolicy(cors, options[, { path }])`
 * (compat/cors-policy.ts): the same headers from the same options, without
 * fromExpress's Express surface and bridge on every request. The options
 * go across as written, whatever they are (a literal, a variable, a value
 * from config): corsPolicy reads them per request, as cors does, and itself
 * keeps fromExpress for what it does not reproduce (a cors other than
 * 2.8.x, preflights). Under `app.use('/p', ...)` the path goes along as
 * fromExpress({ path }) would get it.
 *
 * Kept on fromExpress, with the reason: options written as a function
 * (cors's per-request delegate receives Express's req), more than one
 * argument or a spread, an app.use path that is not a plain string
 * literal, and a file where `corsPolicy` already names something else.
 */
import type { ASTPath } from 'jscodeshift';
import { parseExpression } from './ast-utils.js';
import type { FileContext } from './context.js';
import { nameIsFree } from './handler-refs.js';
import type { PackageTranslation } from './package-middleware.js';

export function translateCors(fc: FileContext, argPath: ASTPath<any>): PackageTranslation | string {
  const call = argPath.node;
  if (call.callee.type !== 'Identifier') return 'cors is not called through a name it is imported as';
  const blocker = argumentsBlocker(call.arguments);
  if (blocker !== null) return blocker;
  const mount = mountPathOf(argPath);
  if (mount === undefined || (mount !== null && /['\\\r\n]/.test(mount))) return 'the app.use first argument is not a plain string literal path (a variable may hold one)';
  if (!nameIsFree(fc, 'corsPolicy', null)) return 'corsPolicy is already a name in this file';
  const { j } = fc;
  const args = [j.identifier(call.callee.name), call.arguments[0] ?? j.identifier('undefined')];
  // Under app.use('/p', cors()) corsPolicy matches the mount path as fromExpress({ path }) would.
  if (mount !== null) args.push(parseExpression(j, `{ path: '${mount}' }`));
  else if (call.arguments.length === 0) args.pop();
  return { node: j.callExpression(j.identifier('corsPolicy'), args), compatNames: ['corsPolicy'] };
}

/** Why cors's arguments cannot go to corsPolicy as they are, or null when they can. */
function argumentsBlocker(args: any[]): string | null {
  if (args.length > 1) return 'cors() is called with more than one argument';
  const opts = unwrapTs(args[0]);
  if (opts === undefined) return null;
  if (opts.type === 'SpreadElement') return 'cors() is called with a spread argument';
  if (opts.type === 'ArrowFunctionExpression' || opts.type === 'FunctionExpression') {
    return 'the cors options are a per-request function (it receives the Express request)';
  }
  return null;
}

/** `{...} as CorsOptions`, `fn satisfies CorsOptionsDelegate`: the value is the expression's. */
function unwrapTs(node: any): any {
  while (['TSAsExpression', 'TSSatisfiesExpression', 'TSNonNullExpression', 'TSTypeAssertion'].includes(node?.type)) node = node.expression;
  return node;
}

/** The `app.use('/p', ...)` mount path of this argument: null when none (or '/'), undefined when not a literal. */
function mountPathOf(argPath: ASTPath<any>): string | null | undefined {
  const registration = argPath.parent?.node;
  if (registration?.type !== 'CallExpression' || registration.callee.type !== 'MemberExpression') return null;
  if (registration.callee.property?.name !== 'use') return null;
  const first = registration.arguments[0];
  if (first === argPath.node || first?.type === 'CallExpression' || first?.type === 'ArrowFunctionExpression' || first?.type === 'FunctionExpression') return null;
  // A variable first may hold a path as well as a middleware: undefined, as any other non-literal path.
  if (!['StringLiteral', 'Literal'].includes(first?.type) || typeof first.value !== 'string') return undefined;
  return first.value === '/' ? null : first.value;
}
