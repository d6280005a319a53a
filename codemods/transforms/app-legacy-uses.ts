/**
 * App state that only Express code reads, split per route instead of
 * keeping the whole app on Express:
 *
 *   app.locals.siteName = 'Field Notes';   -> legacyApp.locals.siteName = 'Field Notes';
 *   app.param('postId', loadPost);         -> legacyApp.param('postId', loadPost);
 *
 * `app.locals` is read by res.render (and by Express code through req.app),
 * never by runtime code: it goes with the view settings to the legacy app,
 * which renders (app-settings.ts). Every Express bridge of the file then
 * gets that app as `req.app` (bindLegacyApp), as all middleware saw the one
 * app before.
 *
 * `app.param(name, fn)` runs once per request, before the first route of the
 * app whose path has `:name`, across next('route'), and only for the app's
 * own routes (mounted routers have their own). It moves to the legacy app
 * when every route with that parameter stays there too, in one legacy app:
 * such routes are kept on Express (paramRouteReason), so Express still
 * resolves the parameter exactly as before.
 */
import type { ASTPath } from 'jscodeshift';
import { isStringLiteral, parseExpression } from './ast-utils.js';
import type { FileContext } from './context.js';
import { settingKey, type ReceiverUse } from './receiver-uses.js';
import { LEGACY_SETTINGS } from './app-settings.js';
import type { Receiver } from './express-binding.js';

export type LegacyOnlyUse =
  | { kind: 'locals'; stmt: ASTPath<any> }
  | { kind: 'param'; stmt: ASTPath<any>; name: string };

/** An `app.locals.<name> = value;` or `app.param('<name>', fn);` statement of the block that declares the app; null for anything else. */
export function legacyOnlyUse(r: Receiver, use: ReceiverUse): LegacyOnlyUse | null {
  if (r.kind !== 'app' || use.kind !== 'unknown') return null;
  const p = use.path;
  const member = p.parent?.node;
  if (member?.type !== 'MemberExpression' || member.object !== p.node || member.computed) return null;
  const name = member.property?.name;
  if (name === 'locals') {
    const outer = p.parent.parent;
    const assign = outer?.parent;
    if (outer.node.type !== 'MemberExpression' || outer.node.object !== member || outer.node.computed) return null;
    if (assign?.node.type !== 'AssignmentExpression' || assign.node.operator !== '=' || assign.node.left !== outer.node) return null;
    const stmt = assign.parent;
    return stmt?.node.type === 'ExpressionStatement' && inDeclaringBlock(r, stmt) ? { kind: 'locals', stmt } : null;
  }
  if (name === 'param') {
    const call = p.parent.parent;
    const stmt = call?.parent;
    if (call.node.type !== 'CallExpression' || call.node.callee !== member || call.node.arguments.length !== 2) return null;
    const [param, fn] = call.node.arguments;
    if (!isStringLiteral(param) || !/^[A-Za-z_$][\w$]*$/.test(param.value)) return null;
    if (!/Function|Identifier/.test(fn?.type ?? '')) return null;
    return stmt?.node.type === 'ExpressionStatement' && inDeclaringBlock(r, stmt) ? { kind: 'param', stmt, name: param.value } : null;
  }
  return null;
}

/** A statement of the block (module or function body) where the app is declared: run once, in order, at start. */
function inDeclaringBlock(r: Receiver, stmt: ASTPath<any>): boolean {
  let decl = r.declarator.parent as ASTPath<any>;
  if (decl.parent?.node.type === 'ExportNamedDeclaration') decl = decl.parent;
  return stmt.parent === decl.parent;
}

/** app.param statements that merged with their routes into one runtime route (param-route-merge.ts): no longer Express state. */
const mergedParams = new WeakSet<object>();

export function consumeParam(stmtNode: object): void {
  mergedParams.add(stmtNode);
}

export function releaseParam(stmtNode: object): void {
  mergedParams.delete(stmtNode);
}

/** The app.locals / app.param statements that stay Express state (an app.param merged with its routes is not). */
export function legacyOnlyUses(r: Receiver, uses: ReceiverUse[]): LegacyOnlyUse[] {
  return allLegacyOnlyUses(r, uses).filter((u) => !(u.kind === 'param' && mergedParams.has(u.stmt.node)));
}

function allLegacyOnlyUses(r: Receiver, uses: ReceiverUse[]): LegacyOnlyUse[] {
  return uses.map((u) => legacyOnlyUse(r, u)).filter((u): u is LegacyOnlyUse => u !== null);
}

/**
 * Express-only settings, app.locals or app.param: state that exactly one legacy app can hold. `besides`: leave
 * out this statement (a param that may merge with its routes). Merged params count: handlers planned before the
 * merge render with the legacy app, which must then still exist.
 */
export function keepsLegacyState(r: Receiver, uses: ReceiverUse[], besides?: object): boolean {
  return uses.some((u) => u.kind === 'setting' && LEGACY_SETTINGS.has(settingKey(u.args) ?? ''))
    || allLegacyOnlyUses(r, uses).some((u) => u.stmt.node !== besides);
}

/** The app.param names whose routes must stay on Express. */
export function paramNames(r: Receiver, uses: ReceiverUse[]): Set<string> {
  return new Set(legacyOnlyUses(r, uses).flatMap((u) => (u.kind === 'param' ? [u.name] : [])));
}

/** Why a route stays on Express because app.param resolves one of its parameters; null when none does. */
export function paramRouteReason(path: any, params: Set<string>): string | null {
  if (params.size === 0 || path === null || path === undefined) return null;
  if (!isStringLiteral(path)) return path?.type === 'RegExpLiteral' || path?.regex ? null : 'app.param is used and the route path is computed';
  for (const m of path.value.matchAll(/:([A-Za-z_$][\w$]*)/g)) {
    if (params.has(m[1]!)) return `app.param('${m[1]}') resolves this parameter: it runs on Express, once per request across the routes that have it`;
  }
  return null;
}

/** Moves the statement to the legacy Express app (the receiver's name becomes `target` in it). */
export function moveUseToLegacy(fc: FileContext, r: Receiver, use: LegacyOnlyUse, target: string): void {
  const { j } = fc;
  j(use.stmt).find(j.Identifier, { name: r.name }).filter((p) => p.parent.node.type === 'MemberExpression' && p.parent.node.object === p.node)
    .forEach((p) => { p.replace(j.identifier(target)); });
}

/**
 * Express code run through the bridges (fromExpress, fromExpressErrorHandler) gets the legacy app as
 * `req.app`: its settings (views, view engine) and locals, which res.render reads, as before when every
 * function of the app saw the same app. Without it the first bridge of a request would install a private
 * app's prototypes, and an Express error handler rendering a page would find no view engine.
 */
export function bindLegacyApp(fc: FileContext, legacyApp: string): void {
  const { j, root } = fc;
  root.find(j.CallExpression).forEach((p) => {
    const callee = p.node.callee as any;
    if (callee.type !== 'Identifier' || !(callee.name === 'fromExpress' || callee.name === 'fromExpressErrorHandler')) return;
    if (!fc.compatNames.has(callee.name)) return;
    const args = p.node.arguments as any[];
    const opts = args[1];
    if (!opts) { args.push(parseExpression(j, `{ app: ${legacyApp} }`)); return; }
    if (opts.type !== 'ObjectExpression') return;
    if (opts.properties.some((prop: any) => prop.key?.name === 'app')) return;
    opts.properties.unshift(j.property('init', j.identifier('app'), j.identifier(legacyApp)));
  });
}
