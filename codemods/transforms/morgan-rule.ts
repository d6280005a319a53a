/**
 * `morgan(format[, options])` from 'morgan' -> `accessLog(morgan, format[, options])`
 * (compat/access-log.ts): the same lines from the app's own morgan (its
 * formats, morgan.compile, its tokens), without fromExpress's bridge,
 * on-headers and on-finished per request. The format may be anything
 * (a name, a string, a function, a value from config): accessLog decides at
 * run time what it reads, as morgan does. The options go across as they
 * are written, so only an object literal with plain keys is taken (a
 * variable, a spread or a computed key keeps fromExpress, with the reason);
 * so does an immediate morgan under an app.use path, and a file where
 * `accessLog` already names something else.
 */
import type { ASTPath } from 'jscodeshift';
import type { FileContext } from './context.js';
import { nameIsFree } from './handler-refs.js';
import type { PackageTranslation } from './package-middleware.js';

export function translateMorgan(fc: FileContext, argPath: ASTPath<any>): PackageTranslation | string {
  const call = argPath.node;
  const blocker = argumentsBlocker(call.arguments) ?? mountBlocker(argPath, call);
  if (blocker !== null) return blocker;
  if (!nameIsFree(fc, 'accessLog', null)) return 'accessLog is already a name in this file';
  const { j } = fc;
  return {
    node: j.callExpression(j.identifier('accessLog'), [j.identifier(call.callee.name), ...call.arguments]),
    compatNames: ['accessLog'],
  };
}

/** Why morgan's arguments cannot be handed to accessLog as written, or null when they can. */
function argumentsBlocker(args: any[]): string | null {
  if (args.length > 2) return 'morgan() is called with more than two arguments';
  if (args.some((a) => a.type === 'SpreadElement')) return 'morgan() is called with spread arguments';
  const opts = args.length === 2 ? args[1] : args[0]?.type === 'ObjectExpression' ? args[0] : undefined;
  if (opts === undefined) return null;
  if (opts.type !== 'ObjectExpression') return 'the morgan options are not an object literal';
  for (const prop of opts.properties) {
    if (prop.type === 'SpreadElement' || prop.type === 'SpreadProperty') return 'the morgan options spread another object';
    if (prop.computed) return 'the morgan options have a computed key';
  }
  return null;
}

/**
 * morgan under `app.use('/p', ...)`: the registration keeps the path (the
 * runtime scopes it as Express does), and by the time morgan writes its line
 * Express has put the path back on req.url. Only an immediate line is
 * written while Express has it stripped, which accessLog does not do.
 */
function mountBlocker(argPath: ASTPath<any>, call: any): string | null {
  const registration = argPath.parent?.node;
  if (registration?.type !== 'CallExpression' || registration.callee.type !== 'MemberExpression') return null;
  if (registration.callee.property?.name !== 'use') return null;
  const first = registration.arguments[0];
  if (first === argPath.node) return null;
  if (['StringLiteral', 'Literal'].includes(first?.type) && typeof first.value === 'string') {
    return first.value === '/' || !mayLogImmediately(call) ? null : 'morgan logs immediately under an app.use path (Express strips the path from req.url while it runs)';
  }
  if (['TemplateLiteral', 'ArrayExpression', 'RegExpLiteral', 'Literal'].includes(first?.type)) return 'morgan is mounted on a path that is not a string literal';
  // A variable first may hold a path as well as a middleware.
  if (first?.type === 'Identifier' || first?.type === 'MemberExpression') return 'the app.use first argument may be a path';
  return null;
}

/** The options (literal, argumentsBlocker checked) have an immediate key whose value is not literally false. */
function mayLogImmediately(call: any): boolean {
  const args = call.arguments as any[];
  const opts = args.length === 2 ? args[1] : args[0]?.type === 'ObjectExpression' ? args[0] : undefined;
  if (opts === undefined) return false;
  return opts.properties.some((p: any) => (p.key?.name ?? p.key?.value) === 'immediate' && !(p.value?.value === false && ['BooleanLiteral', 'Literal'].includes(p.value.type)));
}
