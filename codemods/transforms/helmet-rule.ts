/**
 * `helmet()` / `helmet({...})` from 'helmet' -> `fixedHeaders(helmet(...))`
 * (compat/fixed-headers.ts): helmet's middleware sets the same headers on
 * every response whatever the request, so they are set again without
 * Express's req/res surface. Only where that is known: helmet keeps no
 * state between calls, and with options written as literals (strings,
 * numbers, booleans, null, arrays and objects of those) nothing in them can
 * read the request. A function anywhere (a CSP nonce), a variable, a spread
 * or a computed key keeps fromExpress, with the reason. fixedHeaders checks
 * again at start (two probe runs) and falls back to fromExpress itself.
 *
 * helmet also removes X-Powered-By, which Express set before it ran; a
 * legacy Express app mounted later sets it again when it answers:
 * `poweredByRemoval` tells app-shape.ts which of those apps to turn it off on.
 */
import type { ASTPath } from 'jscodeshift';
import { parseExpression } from './ast-utils.js';
import type { FileContext } from './context.js';
import { calleeModule } from './handler-refs.js';
import type { PackageTranslation } from './package-middleware.js';
import type { ReceiverUse } from './receiver-uses.js';

export function translateHelmet(fc: FileContext, argPath: ASTPath<any>): PackageTranslation | string {
  const call = argPath.node;
  const blocker = optionsBlocker(call);
  if (blocker !== null) return blocker;
  const { j } = fc;
  const mount = mountPathOf(argPath);
  if (mount === undefined || (mount !== null && /['\\\r\n]/.test(mount))) return 'the app.use path is not a plain string literal';
  // Under app.use('/p', helmet()) fixedHeaders matches the mount path as fromExpress({ path }) would.
  const args = mount === null ? [call] : [call, parseExpression(j, `{ path: '${mount}' }`)];
  return { node: j.callExpression(j.identifier('fixedHeaders'), args), compatNames: ['fixedHeaders'] };
}

/** Why helmet's arguments might make its headers depend on the request, or null when they cannot. */
function optionsBlocker(call: any): string | null {
  const args = call.arguments as any[];
  if (args.length === 0) return null;
  if (args.length > 1) return 'helmet() is called with more than one argument';
  if (unwrapTs(args[0]).type !== 'ObjectExpression') return 'the helmet options are not an object literal';
  return nonLiteral(args[0]);
}

/** `{...} as const`, `{...} satisfies HelmetOptions`: the value is the expression's. */
function unwrapTs(node: any): any {
  while (['TSAsExpression', 'TSSatisfiesExpression', 'TSNonNullExpression', 'TSTypeAssertion'].includes(node?.type)) node = node.expression;
  return node;
}

/** The first part of `node` that is not a literal value, described; null when all of it is. */
function nonLiteral(node: any): string | null {
  node = unwrapTs(node);
  switch (node.type) {
    case 'StringLiteral':
    case 'NumericLiteral':
    case 'BooleanLiteral':
    case 'NullLiteral':
      return null;
    case 'Literal':
      return node.regex ? 'a regular expression in the helmet options' : null;
    case 'TemplateLiteral':
      return node.expressions.length === 0 ? null : 'a template with expressions in the helmet options';
    case 'UnaryExpression':
      return node.operator === '-' && ['NumericLiteral', 'Literal'].includes(node.argument.type) && typeof node.argument.value === 'number' ? null : 'an expression in the helmet options';
    case 'ArrayExpression':
      for (const element of node.elements) {
        if (element === null) return 'a hole in an array of the helmet options';
        const inner = nonLiteral(element);
        if (inner !== null) return inner;
      }
      return null;
    case 'ObjectExpression':
      for (const prop of node.properties) {
        if (!['Property', 'ObjectProperty'].includes(prop.type) || prop.computed || prop.kind && prop.kind !== 'init' || prop.method) {
          return `${prop.type === 'SpreadElement' || prop.type === 'SpreadProperty' ? 'a spread' : prop.computed ? 'a computed key' : 'a method or accessor'} in the helmet options`;
        }
        const inner = nonLiteral(prop.value);
        if (inner !== null) return inner;
      }
      return null;
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
      return 'a function in the helmet options (it may read the request, as a CSP nonce does)';
    case 'Identifier':
      return `a variable (${node.name}) in the helmet options`;
    default:
      return 'an expression in the helmet options';
  }
}

/** The `app.use('/p', ...)` mount path of this argument: null when none (or '/'), undefined when not a literal. */
function mountPathOf(argPath: ASTPath<any>): string | null | undefined {
  const registration = argPath.parent?.node;
  if (registration?.type !== 'CallExpression' || registration.callee.type !== 'MemberExpression') return null;
  if (registration.callee.property?.name !== 'use') return null;
  const first = registration.arguments[0];
  if (first === argPath.node || first?.type === 'Identifier' || first?.type === 'CallExpression' || first?.type === 'ArrowFunctionExpression' || first?.type === 'FunctionExpression') return null;
  if (!['StringLiteral', 'Literal'].includes(first?.type) || typeof first.value !== 'string') return undefined;
  return first.value === '/' ? null : first.value;
}

/**
 * Which legacy Express apps must not send X-Powered-By because helmet removed it on Express:
 * 'all' when a top-level `app.use(helmet(...))` on no path, with literal options that leave the
 * removal on, comes after nothing but package middleware calls (`cors()`, `express.json()`: they
 * stay in the runtime's pipeline, never on a legacy app), so every request a legacy app answers
 * passed it; 'not-found' when such a helmet comes later: only the empty app answering Express's
 * 404 is sure to come after it (an unmatched request went through every middleware); else 'none'.
 */
export function poweredByRemoval(uses: readonly ReceiverUse[]): 'all' | 'not-found' | 'none' {
  const registrations = uses.filter((u) => u.kind === 'registration' || u.kind === 'route-chain')
    .sort((a, b) => ((a as { start?: number }).start ?? 0) - ((b as { start?: number }).start ?? 0));
  let onlyPackagesBefore = true;
  for (const use of registrations) {
    const fns = use.kind === 'registration' && use.method === 'use' ? useFunctions(use.args) : null;
    const helmetAt = fns === null ? -1 : fns.findIndex((fn) => isHelmetCall(use.stmt, fn));
    if (helmetAt >= 0 && fns !== null && use.kind === 'registration' && use.stmt.parent?.node.type === 'Program' && !hasPath(use.args) && keepsRemoval(fns[helmetAt])) {
      return onlyPackagesBefore && fns.slice(0, helmetAt).every((fn) => isPackageCall(use.stmt, fn)) ? 'all' : 'not-found';
    }
    if (fns === null || !fns.every((fn) => isPackageCall(use.stmt, fn))) onlyPackagesBefore = false;
  }
  return 'none';
}

function useFunctions(args: any[]): any[] {
  return typeof args[0]?.value === 'string' ? args.slice(1) : args;
}

function hasPath(args: any[]): boolean {
  return typeof args[0]?.value === 'string' && args[0].value !== '/';
}

function isHelmetCall(at: ASTPath<any>, node: any): boolean {
  return node?.type === 'CallExpression' && calleeModule(at, node.callee) === 'helmet';
}

/** `pkg(...)` or `pkg.member(...)` where pkg is a package (not a relative module) the file requires or imports. */
function isPackageCall(at: ASTPath<any>, node: any): boolean {
  if (node?.type !== 'CallExpression') return false;
  const callee = node.callee.type === 'MemberExpression' && !node.callee.computed ? node.callee.object : node.callee;
  const pkg = calleeModule(at, callee);
  return pkg !== null && !pkg.startsWith('.') && !pkg.startsWith('/');
}

/** helmet's xPoweredBy (or its old name hidePoweredBy) is not set to false, in literal options. */
function keepsRemoval(call: any): boolean {
  if (optionsBlocker(call) !== null) return false;
  const opts = unwrapTs(call.arguments[0]);
  if (!opts) return true;
  return !opts.properties.some((p: any) => ['xPoweredBy', 'hidePoweredBy'].includes(p.key.name ?? p.key.value) && unwrapTs(p.value).value === false);
}
