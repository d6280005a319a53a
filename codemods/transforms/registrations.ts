/**
 * app/router registrations -> runtime registrations.
 *
 *   app.get('/users/:id', auth, handler)  -> app.get('/users/{id}', auth', handler')
 *   app.route('/x').get(a).post(b)        -> app.get('/x', a'); app.post('/x', b')
 *   app.use(fn)                           -> app.requestMiddleware(fn')
 *   app.use('/api', router)               -> app.mount('/api', router)
 *   app.use(session(opts))                -> app.requestMiddleware(fromExpress(session(opts)))
 *   app.use(express.json())               -> app.requestMiddleware(jsonBody())
 *   app.use((err, req, res, next) => ..)  -> app.panicHook(async (ctx, err) => ..)
 *   trailing app.use((req, res) => 404)   -> app.notFound(async (ctx) => ..)
 *
 * A registration that cannot be translated moves, unchanged, to a legacy
 * Express app that the runtime app mounts last with mountExpress (apps), or
 * keeps its whole router on Express (routers), with an expressway-todo comment.
 *
 * This file plans each registration (routes, route chains, use()) and each of
 * its functions, then applies the plans. What a plan is: registration-plan.ts;
 * which planned routes go back to Express once all are planned, and how legacy
 * registrations group into legacy apps: route-demotion.ts; whether two
 * registrations can meet the same requests: route-overlap.ts.
 */
import type { ASTPath } from 'jscodeshift';
import { addEntry, type FileContext } from './context.js';
import type { ExpressBinding, Receiver } from './express-binding.js';
import { convertHandler, hasHandlerShape, type HandlerResult } from './handler.js';
import type { Role } from './handler-env.js';
import { calleeModule, isPlainCookieParser, nameIsFree, resolveFnRef, sessionOptionsBlocker, soleUseDeclaration, type FnRef } from './handler-refs.js';
import { isStringLiteral, parseExpression, parseStatement, someNode } from './ast-utils.js';
import { convertRegexPath, convertStringPath, type PathResult } from './route-path.js';
import { expressMajorFor } from './express-version.js';
import type { ReceiverUse } from './receiver-uses.js';
import { addTodoComment } from './todo-comments.js';
import { importedNativeRef, isOwnImportedHandler } from './imported-refs.js';
import { handlerArrayOf } from './handler-arrays.js';
import { keepsLegacyState, paramNames, paramRouteReason } from './app-legacy-uses.js';
import { convertSegmentCaptureRegex } from './route-regex.js';
import { expressRouteMark, mayReadRoute } from './express-route.js';
import { addParamMountImports, paramMountStatement, routerNameTaken, runtimeMountPath } from './param-mount.js';
import { isLegacy, routeKey, type Legacy, type Plan, type Planned } from './registration-plan.js';
import { closesSegment, demoteDuplicateRoutes, demoteFallThroughRoutes, demoteParamRoutes, demoteShadowingRoutes, legacySplit, routePathOf } from './route-demotion.js';
import { isRouteLike, mayOverlap, usePrefix } from './route-overlap.js';
import { translatePackageMiddleware } from './package-middleware.js';
import { mergeParamRoutes, settleMerges } from './param-route-merge.js';

export const LEGACY_APP = 'legacyApp';
/** A runtime Router's routes that stay on Express (compat's mountExpressRouter answers them in place). */
export const LEGACY_ROUTER = 'legacyRouter';

/** Packages whose middleware is 4-argument error middleware. */
const ERROR_HANDLER_PACKAGES = new Set(['errorhandler']);

export interface ReceiverState {
  receiver: Receiver;
  uses: ReceiverUse[];
  /** Why the receiver stays on Express as a whole; null when it is migrated. */
  staysExpress: string | null;
  /** Registrations moved to the legacy Express app. */
  legacyCount: number;
  /**
   * The legacy Express apps (routers: Express routers) in registration order. Under middlewareOrder
   * 'registration' a run of legacy registrations that native middleware follows gets its own one, mounted where the run ends.
   */
  legacySegments: LegacySegment[];
  notFound: boolean;
  /** A panic hook from the app's own (or wrapped) error middleware. */
  hasErrorHandler: boolean;
  /** Server options learned from registrations (`cookieSecret` from cookie-parser's secret). */
  serverOptions: string[];
}

interface Shared {
  fc: FileContext;
  b: ExpressBinding;
  receivers: Receiver[];
  states: Map<Receiver, ReceiverState>;
  registrationCallees: Set<any>;
  converted: Map<any, { role: Role; result: HandlerResult; applied?: boolean }>;
  /** True once third-party middleware runs through fromExpress on an app of this file (the state bridge applies). */
  viaCompat: boolean;
}

/** One legacy Express app and the last registration moved onto it (its mount goes after that one when `closed`). */
export interface LegacySegment { name: string; last: ReceiverUse; closed: boolean; /** Holds the routes app.param resolves (app-legacy-uses.ts). */ params?: boolean }

/** Plans every registration of `state.receiver`; applies them when the receiver can move. */
export function migrateRegistrations(shared: Shared, state: ReceiverState): void {
  const { fc } = shared;
  const r = state.receiver;
  const regs = state.uses.filter((u): u is Extract<ReceiverUse, { kind: 'registration' | 'route-chain' }> => u.kind === 'registration' || u.kind === 'route-chain')
    .sort((a, b) => (a.stmt.node.start ?? 0) - (b.stmt.node.start ?? 0));
  const lastRoute = regs.reduce((acc, u, i) => (isRouteLike(u) ? i : acc), -1);
  // Middleware (or a mounted router, which may bring its own) after a route: Express runs it only for the
  // requests earlier routes did not answer, which the runtime does under middlewareOrder 'registration'.
  let ordered = false;
  // Our own middleware through a bridge before a route may read req.route: native routes set it (express-route.ts).
  let markRoutes = false;
  const plans: Array<{ use: (typeof regs)[number]; plan: Plan }> = [];
  regs.forEach((use, i) => {
    let plan: Plan;
    const mark = markRoutes ? (method: string, pathNode: any) => expressRouteMark(fc, r, method, pathNode) : undefined;
    if (use.kind === 'route-chain') plan = planRouteChain(shared, r, use, mark);
    else if (use.method === 'use') {
      const before = regs.slice(0, i).filter(isRouteLike);
      plan = planUse(shared, r, use, { afterRoutes: i > lastRoute, routesBefore: before.length > 0 });
      if (!isLegacy(plan) && plan.positional && before.some((b) => mayOverlap(usePrefix(use), b))) ordered = true;
      // Native middleware reads it too: in a finish listener, from the node request (finish-route-reads.ts).
      if (r.kind === 'app' && !isLegacy(plan) && plan.positional && ((plan.compatHandlers ?? 0) > 0 || plan.handlers > 0) && mayReadRoute(fc, use.args)) markRoutes = true;
    } else plan = planRoute(shared, r, use, mark);
    plans.push({ use, plan });
  });
  // app.param with the routes it resolves as one runtime route, when nothing else needs the param (param-route-merge.ts).
  const merges = mergeParamRoutes({
    fc, b: shared.b, r, uses: state.uses, receivers: shared.receivers, registrationCallees: shared.registrationCallees,
    bridged: shared.viaCompat ? ['user', 'session'] : [], viewApp: r.kind === 'app' && keepsLegacyState(r, state.uses) ? LEGACY_APP : undefined,
    ...(markRoutes ? { mark: (method: string, pathNode: any) => expressRouteMark(fc, r, method, pathNode) } : {}),
  }, plans);
  const demote = () => {
    demoteParamRoutes(plans, paramNames(r, state.uses));
    demoteDuplicateRoutes(plans);
    demoteShadowingRoutes(plans);
    // ctx.fallThrough() goes on through the middleware registered after the route and the legacy app mounted last.
    if (demoteFallThroughRoutes(plans, r, fc)) ordered = true;
  };
  demote();
  // A merge that lost a member to the checks goes back whole (with its app.param): check again without it.
  while (settleMerges(merges)) demote();
  const legacy = plans.filter((p) => isLegacy(p.plan));
  // A router's Express routes run for the runtime routes registered after them (Express tried them first), not before.
  if (r.kind === 'router' && legacy.length > 0) ordered = true;
  if (ordered) state.serverOptions.push("middlewareOrder: 'registration'");
  // Legacy routes answer only what no runtime route matched; legacy middleware would miss the runtime routes after it.
  const blocking = r.kind === 'router' ? legacy.find((p) => !isRouteLike(p.use) && plans.slice(plans.indexOf(p) + 1).some((q) => !isLegacy(q.plan) && isRouteLike(q.use))) : undefined;
  if (blocking) {
    const first = blocking.plan as Legacy;
    state.staysExpress = `router has middleware that stays on Express before native routes (${first.legacy})`;
    for (const p of plans) {
      const reason = isLegacy(p.plan) ? p.plan.legacy : state.staysExpress;
      if (isLegacy(p.plan)) addTodoComment(fc, p.use.stmt, reason);
      addEntry(fc, p.use.stmt.node, 'compat', 'router-stays-express', { reason, handler: describe(r, p.use) });
      fc.handlers.compat += isLegacy(p.plan) ? p.plan.handlers : (p.plan as Planned).handlers;
    }
    return;
  }
  const split = legacySplit(plans, ordered, paramNames(r, state.uses), r.kind === 'app' && keepsLegacyState(r, state.uses));
  if (split) {
    state.staysExpress = split; // the pipeline reports the app as staying on Express, nothing was applied
    return;
  }
  let segment: LegacySegment | null = null;
  let segmentUses: ReceiverUse[] = [];
  const base = r.kind === 'router' ? LEGACY_ROUTER : LEGACY_APP;
  for (const p of plans) {
    if (isLegacy(p.plan)) {
      if (!segment) {
        segment = { name: state.legacySegments.length === 0 ? base : `${base}${state.legacySegments.length + 1}`, last: p.use, closed: false };
        state.legacySegments.push(segment);
        segmentUses = [];
      }
      segment.last = p.use;
      segmentUses.push(p.use);
      if (paramRouteReason(routePathOf(p.use), paramNames(r, state.uses))) segment.params = true;
      moveToLegacy(fc, r, p.use, p.plan.legacy, segment.name);
      fc.handlers.compat += p.plan.handlers;
      state.legacyCount++;
      continue;
    }
    const planned = p.plan as Planned;
    if (ordered && segment && planned.positional && closesSegment(p.use, segmentUses)) {
      // Native middleware follows legacy routes: Express answered those first, so their app is mounted here.
      segment.closed = true;
      segment = null;
    }
    planned.apply();
    planned.entries.forEach((e) => e());
    fc.handlers.native += planned.handlers;
    fc.handlers.compat += planned.compatHandlers ?? 0;
    fc.changed = true;
  }
}

function describe(r: Receiver, use: ReceiverUse): string {
  if (use.kind === 'route-chain') return `${r.name}.route(${pathText(use.path)})`;
  if (use.kind === 'registration') return `${r.name}.${use.method}(${use.args[0] && isStringLiteral(use.args[0]) ? `'${use.args[0].value}'` : ''})`;
  return r.name;
}

function pathText(node: any): string {
  return isStringLiteral(node) ? `'${node.value}'` : node?.type === 'RegExpLiteral' ? `/${node.pattern}/` : '…';
}

export function countPlanned(fns: Array<Pick<FnPlan, 'own' | 'compat'>>): { handlers: number; compatHandlers: number } {
  return { handlers: fns.filter((f) => f.own && !f.compat).length, compatHandlers: fns.filter((f) => f.own && f.compat).length };
}

function countOwnHandlers(use: ReceiverUse): number {
  const args = use.kind === 'route-chain' ? use.methods.flatMap((m) => m.args) : use.kind === 'registration' ? use.args : [];
  return flatten(args).filter((a: any) => a && (a.type === 'Identifier' || /Function/.test(a.type))).length;
}

function moveToLegacy(fc: FileContext, r: Receiver, use: ReceiverUse & { stmt: ASTPath<any> }, reason: string, target = LEGACY_APP): void {
  const { j } = fc;
  j(use.stmt).find(j.Identifier, { name: r.name }).filter((p) => p.parent.node.type === 'MemberExpression' && p.parent.node.object === p.node)
    .forEach((p) => { p.replace(j.identifier(target)); });
  addTodoComment(fc, use.stmt, reason);
  addEntry(fc, use.stmt.node, 'compat', 'legacy-express-app', { reason, handler: describe({ ...r, name: target }, use) });
  fc.changed = true;
}

/* ---------------------------------------------------------------- paths */

/** `major`: the app's Express major (express-version.ts); Express 5 paths have groups and named wildcards. */
function convertPathNode(node: any, major: number): PathResult {
  if (isStringLiteral(node)) return convertStringPath(node.value, major);
  const regex = node?.type === 'RegExpLiteral' ? { pattern: node.pattern, flags: node.flags ?? '' } : node?.type === 'Literal' && node.regex ? node.regex : null;
  if (regex) {
    const simple = convertRegexPath(regex.pattern, regex.flags ?? '');
    return simple.ok ? simple : convertSegmentCaptureRegex(regex.pattern, regex.flags ?? '') ?? simple;
  }
  if (node?.type === 'TemplateLiteral' && node.expressions.length === 0) return convertStringPath(node.quasis[0].value.cooked, major);
  return { ok: false, reason: 'the route path is computed at run time' };
}

/* --------------------------------------------------------------- routes */

/** Registration arguments with arrays spread, as Express reads `app.get(path, [a, b], c)`. */
function flatten(args: any[]): any[] {
  return args.flatMap((a) => (a?.type === 'ArrayExpression' ? a.elements : [a]));
}

/** Paths to the function arguments of a call, arrays flattened. */
function fnArgPaths(callPath: ASTPath<any>, from: number): ASTPath<any>[] {
  const out: ASTPath<any>[] = [];
  const args = callPath.get('arguments');
  for (let i = from; i < callPath.node.arguments.length; i++) {
    const a = args.get(i);
    if (a.node.type === 'ArrayExpression') a.node.elements.forEach((_: any, k: number) => out.push(a.get('elements', k)));
    else out.push(a);
  }
  return out;
}

/** Route arguments with a const handler array registered only here expanded to its elements (handler-arrays.ts). */
function withHandlerArrays(paths: ASTPath<any>[]): ASTPath<any>[] {
  return paths.flatMap((p) => handlerArrayOf(p)?.elements ?? [p]);
}

/** The call's function arguments: a handler array's elements go back into the array, which the call spreads. */
function callArgs(j: FileContext['j'], fns: FnPlan[]): any[] {
  const out: any[] = [];
  const spread = new Set<any>();
  for (const f of fns) {
    if (!f.slot) {
      out.push(f.node);
      continue;
    }
    if (f.slot.node !== f.node) f.slot.replace(f.node);
    const declarator = f.slot.parent.parent.node;
    if (spread.has(declarator)) continue;
    spread.add(declarator);
    out.push(j.spreadElement(j.identifier(declarator.id.name)));
  }
  return out;
}

/** `slot`: the function is an element of a handler array (handler-arrays.ts), planned where it stands. */
interface FnPlan { fallsThrough?: boolean; slot?: ASTPath<any>; node: any; apply: () => void; /** Our own function migrated natively, or left on Express behind a compat wrapper. */ own: boolean; compat?: boolean; bridgedReads?: Set<string>; entries: Array<() => void>; viaCompat?: string }

type FnSite = { relativeUrl: boolean; indexNames: Map<number, string>; label: string; written?: Set<string>; mountPath?: string; bridgeable?: boolean; routeSegments?: number | null; wildcards?: Map<string, number>; fallThrough?: boolean; routePaths?: string[]; lastErrorHandler?: boolean };

/** Files (by their Shared) where some function stays on Express: a handler that did not convert, middleware through fromExpress. */
const expressLeft = new WeakSet<Shared>();

function planFn(shared: Shared, r: Receiver, argPath: ASTPath<any>, role: Role, site: FnSite): FnPlan | string {
  const plan = planOneFn(shared, r, argPath, role, site);
  if (typeof plan === 'string' || plan.viaCompat !== undefined) expressLeft.add(shared);
  return plan;
}

function planOneFn(shared: Shared, r: Receiver, argPath: ASTPath<any>, role: Role, site: FnSite): FnPlan | string {
  const { fc } = shared;
  const ref = resolveFnRef(fc, shared.b, argPath, shared.receivers, shared.registrationCallees);
  if (role === 'middleware' && r.kind === 'app' && !site.mountPath) {
    // express-session and cookie-parser on the app: native when no Express code is left to read req.session / req.cookies.
    const pkg = ref.kind === 'builtin' && ref.name === 'session' ? 'session' : ref.kind === 'foreign' && isPlainCookieParser(argPath) ? 'cookieParser' : null;
    const plan = pkg ? planSessionPackage(shared, r, argPath, pkg) : null;
    if (plan) return plan;
  }
  // Readable from ctx.state: what migrated code stored there, and what compat's state bridge carries (req.user, req.session).
  const bridged = shared.viaCompat ? ['user', 'session'] : [];
  const stateReadable = new Set([...fc.stateProps, ...(site.written ?? []), ...bridged]);
  // res.render renders with the app's view settings, which the legacy app keeps: known only for this module's app (res-render.ts).
  const viewApp = r.kind === 'app' && keepsLegacyState(r, shared.states.get(r)?.uses ?? []) ? LEGACY_APP : undefined;
  const handlerSite = { role, relativeUrl: site.relativeUrl, indexNames: site.indexNames, stateReadable, bridgeable: site.bridgeable, routeSegments: site.routeSegments, wildcards: site.wildcards, fallThrough: site.fallThrough, viewApp, routePaths: site.routePaths, lastErrorHandler: site.lastErrorHandler };
  if (ref.kind === 'inline' || ref.kind === 'local') {
    const fnNode = ref.kind === 'inline' ? ref.node : ref.fnNode;
    if (!hasHandlerShape(fnNode, role)) return `${ref.kind === 'local' ? ref.name : 'the function'} does not have the (req, res, next) shape`;
    const memo = shared.converted.get(fnNode);
    if (memo && memo.role !== role) return `${ref.kind === 'local' ? ref.name : 'handler'} is used both as ${memo.role} and ${role}`;
    const result = memo?.result ?? convertHandler(fc, fnNode, handlerSite);
    const slot = memo ?? { role, result };
    if (!memo) shared.converted.set(fnNode, slot);
    if (!result.ok) return result.reason;
    result.stateWrites.forEach((w) => site.written?.add(w));
    const handlerName = ref.kind === 'local' ? ref.name : site.label;
    const entries = [() => addEntry(fc, fnNode, 'migrated', `${role}-handler`, { handler: handlerName })];
    const commit = () => {
      result.outside?.();
      result.stateWrites.forEach((s) => fc.stateProps.add(s));
      if (result.typed) fc.runtimeTypeNames.add('Context');
      if (rendersView(result.node)) fc.compatNames.add('renderView');
    };
    const fallsThrough = result.fallsThrough === true;
    if (ref.kind === 'inline') return { node: result.node, own: true, entries, apply: commit, bridgedReads: result.bridgedReads, fallsThrough };
    return {
      node: argPath.node, own: true, entries, bridgedReads: result.bridgedReads, fallsThrough,
      apply: () => {
        commit();
        if (slot.applied) return;
        slot.applied = true;
        if (ref.holder.node.type === 'FunctionDeclaration') ref.holder.replace(result.node);
        else {
          ref.holder.node.init = result.node;
          // `const h: RequestHandler = ...`: the Express type no longer describes the function.
          if (ref.holder.node.id.typeAnnotation) ref.holder.node.id.typeAnnotation = null;
        }
      },
    };
  }
  const imported = ref.kind === 'local-module' || ref.kind === 'foreign' ? importedNativeUse(fc, shared, argPath, role, site.relativeUrl, site.written) : null;
  if (imported) return imported;
  if (ref.kind === 'builtin' && ref.name !== 'session') {
    const name = ref.name === 'json' ? 'jsonBody' : ref.name === 'urlencoded' ? 'formBody' : 'serveStatic';
    const { j } = fc;
    let args = ref.call.arguments;
    if (name === 'serveStatic' && site.mountPath) {
      // express.static under app.use('/p') looks files up below /p: serveStatic's `prefix` does the same.
      const [root, opts] = args;
      const prefix = `prefix: '${site.mountPath}'`;
      if (!opts) args = [root, parseExpression(j, `{ ${prefix} }`)];
      else if (opts.type === 'ObjectExpression') args = [root, parseExpression(j, `{ ${[...opts.properties.map((p: any) => j(p).toSource()), prefix].join(', ')} }`)];
      else args = [root, parseExpression(j, `{ ...${j(opts).toSource()}, ${prefix} }`)];
    }
    return {
      node: j.callExpression(j.identifier(name), args), own: false, entries: [],
      apply: () => { fc.runtimeNames.add(name); },
    };
  }
  if (role === 'middleware') {
    const translated = translatePackageMiddleware(fc, argPath);
    if (translated !== null && typeof translated !== 'string') {
      const what = fc.j(argPath.node).toSource().split('\n')[0].slice(0, 60);
      return {
        node: translated.node, own: false,
        entries: [() => addEntry(fc, argPath.node, 'migrated', 'package-counterpart', { reason: `${what} has a counterpart that does not patch res`, handler: what })],
        apply: () => {
          translated.runtimeNames?.forEach((n) => fc.runtimeNames.add(n));
          translated.compatNames?.forEach((n) => fc.compatNames.add(n));
        },
      };
    }
    const { j } = fc;
    const what = fc.j(argPath.node).toSource().split('\n')[0].slice(0, 60);
    // Planned in registration order: later handlers may read what this middleware puts on req.user/req.session.
    if (r.kind === 'app') shared.viaCompat = true;
    // Under app.use('/p', mw) Express strips /p from req.url; fromExpress does the same with { path }.
    const args = site.mountPath ? [argPath.node, parseExpression(j, `{ path: '${site.mountPath}' }`)] : [argPath.node];
    // The app's own middleware from another module (the project pass proved it) counts as one of ours left on compat.
    const ours = isOwnImportedHandler(fc, argPath);
    return {
      node: j.callExpression(j.identifier('fromExpress'), args), own: ours, compat: ours,
      viaCompat: what,
      entries: [() => addEntry(fc, argPath.node, 'compat', ours ? 'imported-middleware' : 'third-party-middleware', { reason: `${what} runs through fromExpress${typeof translated === 'string' ? ` (${translated})` : ''}`, handler: what })],
      apply: () => { fc.compatNames.add('fromExpress'); },
    };
  }
  return ref.kind === 'local-module' ? `handler ${ref.name} comes from ${ref.specifier}` : 'the handler is defined outside this file';
}

/**
 * `app.use(session({...}))` from express-session becomes the runtime's `session({...})` (same options), and
 * `app.use(cookieParser(secret))` goes (the Server's cookieSecret, derived in planUse, signs and reads cookies):
 * decided when the registration is applied, once every registration of the file is planned, and only when no
 * code of the file stays on Express to read req.session / req.cookies. Otherwise both run through fromExpress
 * as before. Null when the call cannot be handed over at all (the caller plans it as third-party middleware).
 */
function planSessionPackage(shared: Shared, r: Receiver, argPath: ASTPath<any>, pkg: 'session' | 'cookieParser'): FnPlan | null {
  const { fc } = shared;
  const { j } = fc;
  const call = argPath.node;
  const stmt = argPath.parent?.parent;
  const registration = argPath.parent?.node;
  if (pkg === 'session' && sessionOptionsBlocker(call) !== null) return null;
  // Without a secret cookie-parser leaves req.signedCookies empty, where ctx.signedCookie would need a cookieSecret.
  if (pkg === 'cookieParser' && !(stmt?.node.type === 'ExpressionStatement' && registration.arguments.length === 1 && call.arguments.length === 1)) return null;
  const declaration = soleUseDeclaration(fc, argPath, call.callee);
  if (pkg === 'session' && call.callee.name !== 'session' && !nameIsFree(fc, 'session', call.callee)) return null;
  if (pkg === 'session' && call.callee.name === 'session' && !declaration) return null;
  // Migrated handlers read req.session as ctx.state.session, which both the runtime's session and fromExpress's state bridge fill.
  if (pkg === 'session') fc.stateProps.add('session');
  const node = j.callExpression(j.identifier('fromExpress'), [call]);
  const what = j(call).toSource().split('\n')[0].slice(0, 60);
  let native = false;
  return {
    node, own: false,
    entries: [() => {
      // Entries run after the registration is rewritten (planUse's apply): only now can its statement go.
      if (native && pkg === 'cookieParser') removeStatementKeepingComments(stmt);
    }, () => (native
      ? addEntry(fc, call, 'migrated', pkg === 'session' ? 'native-session' : 'native-cookies', { handler: what, reason: pkg === 'session' ? "the runtime's session() with the same options" : "the runtime reads cookies itself (ctx.cookies, ctx.signedCookie with the Server's cookieSecret)" })
      : addEntry(fc, call, 'compat', 'third-party-middleware', { reason: `${what} runs through fromExpress: code of this file stays on Express and may read ${pkg === 'session' ? 'req.session' : 'req.cookies'}`, handler: what }))],
    apply: () => {
      // An app without its own 404 gets Express's (an empty legacy app, inserted by position after this): removing
      // statements now would shift where it lands, so such apps keep both packages on fromExpress for now.
      native = !expressLeft.has(shared) && !shared.viaCompat && shared.states.get(r)?.notFound === true
        && [...shared.states.values()].every((st) => !st.staysExpress && st.legacySegments.length === 0 && !usesStayExpress(st.uses, expressMajorFor(fc.options.path)));
      if (!native) {
        fc.compatNames.add('fromExpress');
        return;
      }
      if (declaration) removeStatementKeepingComments(declaration);
      if (pkg === 'cookieParser') return;
      fc.runtimeNames.add('session');
      node.callee = j.identifier('session');
      node.arguments = call.arguments;
    },
  };
}

/** Registrations that stay on Express whatever their functions are: paths the runtime cannot express, repeated routes. */
function usesStayExpress(uses: ReceiverUse[], major: number): boolean {
  const keys = new Set<string>();
  for (const use of uses) {
    if (use.kind === 'route-chain') {
      const path = convertPathNode(use.path, major);
      if (!path.ok || path.paths.length > 1) return true;
      for (const m of use.methods) {
        const key = routeKey(m.method, path.paths[0]!);
        if (keys.has(key)) return true;
        keys.add(key);
      }
      continue;
    }
    if (use.kind !== 'registration') continue;
    const first = use.args[0];
    if (use.method === 'use') {
      if (first?.type === 'TemplateLiteral' || first?.type === 'RegExpLiteral' || (isStringLiteral(first) && /[:*?+()]/.test(first.value))) return true;
      continue;
    }
    const path = convertPathNode(first, major);
    if (!path.ok || use.args.length < 2) return true;
    for (const p of path.paths) {
      const key = routeKey(use.method === 'del' ? 'delete' : use.method, p).toLowerCase().replace(/\{[^}:]+(:[^}]*)?\}/g, '{$1}');
      if (keys.has(key)) return true;
      keys.add(key);
    }
  }
  return false;
}

/** Drops a statement; its comments move to the statement after it (or before it, at the end of a block). */
function removeStatementKeepingComments(stmt: ASTPath<any>): void {
  const comments = stmt.node.comments;
  const body = stmt.parent?.node.body;
  if (comments?.length && Array.isArray(body)) {
    const at = body.indexOf(stmt.node);
    const neighbour = body[at + 1] ?? body[at - 1];
    if (neighbour) neighbour.comments = [...comments, ...(neighbour.comments ?? [])];
  }
  stmt.prune();
}

/** Route-level middleware then the handler; Express middleware wrapped for the route bridges the req.<x> the handler reads. */
function planRouteFns(shared: Shared, r: Receiver, fnPaths: ASTPath<any>[], path: Extract<PathResult, { ok: true }>, label: string): FnPlan[] | string {
  const written = new Set<string>();
  const fns: FnPlan[] = [];
  const segments = path.paths.length === 1 && !/\{[^}]*:/.test(path.paths[0]) ? path.paths[0].split('/').filter(Boolean).length : null;
  for (const [k, p] of fnPaths.entries()) {
    const bridgeable = fns.some((f) => f.viaCompat);
    const plan = planFn(shared, r, p, k === fnPaths.length - 1 ? 'route' : 'middleware', { relativeUrl: r.kind === 'router', indexNames: path.indexNames, label, written, bridgeable, routeSegments: segments, ...(path.wildcards ? { wildcards: path.wildcards } : {}), fallThrough: k === fnPaths.length - 1, routePaths: path.paths });
    if (typeof plan === 'string') return plan;
    fns.push(p.parent?.node.type === 'ArrayExpression' && p.parent.parent?.node.type === 'VariableDeclarator' ? { ...plan, slot: p } : plan);
  }
  if (fns.some((f) => f.viaCompat) && path.paths.some((x) => x.includes('{'))) {
    // Express middleware at route level reads req.params (loadAccount: req.params.id): hand it the route's params.
    fns.unshift({ node: parseExpression(shared.fc.j, '(ctx) => { ctx.req.params = { ...ctx.params }; }'), own: false, apply: () => {}, entries: [] });
  }
  const reads = new Set(fns.flatMap((f) => [...(f.bridgedReads ?? [])]));
  if (reads.size > 0) {
    const keys = ['user', 'session', ...[...reads].filter((k) => k !== 'user' && k !== 'session')].map((k) => `'${k}'`).join(', ');
    for (const f of fns) {
      if (f.viaCompat) f.node.arguments.push(parseExpression(shared.fc.j, `{ stateKeys: [${keys}] }`));
    }
  }
  return fns;
}

/** `mark`: a first route-level function setting req.route for Express code (express-route.ts). */
type RouteMark = (method: string, pathNode: any) => any;

function planRoute(shared: Shared, r: Receiver, use: Extract<ReceiverUse, { kind: 'registration' }>, mark?: RouteMark): Plan {
  const { fc } = shared;
  const { j } = fc;
  const handlers = countOwnHandlers(use);
  const callPath = use.stmt.get('expression');
  const path = convertPathNode(use.args[0], expressMajorFor(fc.options.path));
  if (!path.ok) return { legacy: path.reason, handlers };
  const fnPaths = withHandlerArrays(fnArgPaths(callPath, 1));
  if (fnPaths.length === 0) return { legacy: 'route without handlers', handlers };
  const label = `${use.method.toUpperCase()} ${pathText(use.args[0])}`;
  const planned = planRouteFns(shared, r, fnPaths, path, label);
  if (typeof planned === 'string') return { legacy: planned, handlers };
  const fns = planned;
  const method = use.method === 'del' ? 'delete' : use.method;
  return {
    ...countPlanned(fns),
    fallsThrough: fns.some((f) => f.fallsThrough),
    routeKeys: path.paths.map((p) => routeKey(method, p)),
    entries: fns.flatMap((f) => f.entries),
    apply: () => {
      fns.forEach((f) => f.apply());
      const call = use.stmt.node.expression;
      call.callee.property = j.identifier(method);
      const fnNodes = [...(mark ? [mark(use.method, use.args[0])] : []), ...callArgs(j, fns)];
      if (path.paths.length === 1) {
        call.arguments = [j.stringLiteral(path.paths[0]), ...fnNodes];
        return;
      }
      // `:id?` -> the same handlers on both paths.
      call.arguments = [j.identifier('path'), ...fnNodes];
      const loop = j.forOfStatement(j.variableDeclaration('const', [j.variableDeclarator(j.identifier('path'))]),
        j.arrayExpression(path.paths.map((s) => j.stringLiteral(s))), j.expressionStatement(call));
      (loop as any).comments = use.stmt.node.comments;
      use.stmt.replace(loop);
    },
  };
}

function planRouteChain(shared: Shared, r: Receiver, use: Extract<ReceiverUse, { kind: 'route-chain' }>, mark?: RouteMark): Plan {
  const { fc } = shared;
  const { j } = fc;
  const handlers = countOwnHandlers(use);
  const path = convertPathNode(use.path, expressMajorFor(fc.options.path));
  if (!path.ok) return { legacy: path.reason, handlers };
  if (path.paths.length > 1) return { legacy: 'optional parameter in app.route()', handlers };
  // Walk the chain's call paths from the route() call outwards.
  const calls: ASTPath<any>[] = [];
  let cur = use.stmt.get('expression');
  while (cur.node.callee.type === 'MemberExpression' && cur.node.callee.property.name !== 'route') {
    calls.unshift(cur);
    cur = cur.get('callee', 'object');
  }
  const methods: Array<{ method: string; fns: FnPlan[] }> = [];
  for (const callPath of calls) {
    const method = callPath.node.callee.property.name;
    const fns = planRouteFns(shared, r, withHandlerArrays(fnArgPaths(callPath, 0)), path, `${method.toUpperCase()} ${pathText(use.path)}`);
    if (typeof fns === 'string') return { legacy: fns, handlers };
    methods.push({ method: method === 'del' ? 'delete' : method, fns });
  }
  return {
    ...countPlanned(methods.flatMap((m) => m.fns)),
    fallsThrough: methods.some((m) => m.fns.some((f) => f.fallsThrough)),
    routeKeys: methods.map((m) => routeKey(m.method, path.paths[0])),
    entries: methods.flatMap((m) => m.fns.flatMap((f) => f.entries)),
    apply: () => {
      const statements = methods.map((m) => {
        m.fns.forEach((f) => f.apply());
        return j.expressionStatement(j.callExpression(j.memberExpression(j.identifier(r.name), j.identifier(m.method)), [j.stringLiteral(path.paths[0]), ...(mark ? [mark(m.method, use.path)] : []), ...callArgs(j, m.fns)]));
      });
      (statements[0] as any).comments = use.stmt.node.comments;
      use.stmt.replace(...statements);
      (use as { tail?: any }).tail = statements.at(-1);
    },
  };
}

/* ------------------------------------------------------------------ use */

function planUse(shared: Shared, r: Receiver, use: Extract<ReceiverUse, { kind: 'registration' }>, where: { afterRoutes: boolean; routesBefore: boolean }): Plan & { notFound?: boolean } {
  const { fc } = shared;
  const { j } = fc;
  const handlers = countOwnHandlers(use);
  const hasPath = isStringLiteral(use.args[0]) || use.args[0]?.type === 'TemplateLiteral' || use.args[0]?.type === 'RegExpLiteral';
  if (hasPath && !isStringLiteral(use.args[0])) return { legacy: 'app.use with a computed or regex path', handlers };
  const prefix = hasPath ? use.args[0].value as string : null;
  const callPath = use.stmt.get('expression');
  const fnPaths = fnArgPaths(callPath, hasPath ? 1 : 0);
  // `/:projectId/tasks`: only router modules of the app mounted there move (param-mount.ts).
  const paramMount = prefix !== null && /[:*?+()]/.test(prefix) ? runtimeMountPath(prefix) : null;
  if (prefix !== null && /[:*?+()]/.test(prefix)) {
    const blocker = paramMount === null ? 'has parameters or patterns' : paramMountUseBlocker(shared, use.stmt, fnPaths);
    if (blocker) return { legacy: `app.use path "${prefix}" ${blocker}`, handlers };
  }
  const scopedPrefix = prefix && prefix !== '/' ? prefix : null;
  type Out = { method: string; args: any[]; statement?: any };
  const outs: Out[] = [];
  const fns: FnPlan[] = [];
  let notFound = false;
  let plainMiddleware = false;
  for (const p of fnPaths) {
    const ref: FnRef = resolveFnRef(fc, shared.b, p, shared.receivers, shared.registrationCallees);
    if (ref.kind === 'router') {
      const st = shared.states.get(ref.receiver);
      if (st?.staysExpress) return { legacy: `router ${ref.receiver.name} stays on Express (${st.staysExpress})`, handlers };
      outs.push({ method: 'mount', args: [j.stringLiteral(prefix ?? '/'), p.node] });
      continue;
    }
    if (paramMount !== null && ref.kind === 'local-module') {
      const src = j(p.node).toSource();
      outs.push({ method: 'mount', args: [], statement: paramMountStatement(fc, r.name, paramMount, src) });
      fns.push({ node: p.node, own: false, apply: () => addParamMountImports(fc), entries: [() => addEntry(fc, p.node, 'migrated', 'mount-router-module', { handler: ref.name, reason: `mounts ${ref.specifier} at ${paramMount} as a runtime Router, or through mountExpressRouter if it stayed an Express router` })] });
      continue;
    }
    if (ref.kind === 'local-module' && scopedPrefix && !isOwnImportedHandler(fc, p)) {
      // A module of the app mounted under a prefix is a routes module. Migrated in the same run it exports a
      // runtime Router; if it had to stay on Express it exports an Express router (a function). Mount either.
      const src = j(p.node).toSource();
      if (r.kind === 'router') {
        // fromExpress's path is matched against the full URL, which a router does not know (it is mounted
        // somewhere itself): mountExpressRouter gets the full mount path when the router reaches the server.
        if (routerNameTaken(use.stmt, shared.b)) return { legacy: `use path "${prefix}" mounts a router module, and Router names something else here`, handlers };
        outs.push({ method: 'mount', args: [], statement: paramMountStatement(fc, r.name, scopedPrefix, src) });
        fns.push({ node: p.node, own: false, apply: () => addParamMountImports(fc), entries: [() => addEntry(fc, p.node, 'migrated', 'mount-router-module', { handler: ref.name, reason: `mounts ${ref.specifier} as a runtime Router, or through mountExpressRouter if it stayed an Express router` })] });
        continue;
      }
      const statement = parseStatement(j, `if (typeof ${src} === 'function') ${r.name}.requestMiddleware('${prefix}', fromExpress(${src}, { path: '${prefix}' }));\nelse ${r.name}.mount('${prefix}', ${src});`);
      outs.push({ method: 'mount', args: [], statement });
      fns.push({ node: p.node, own: false, apply: () => { fc.compatNames.add('fromExpress'); }, entries: [() => addEntry(fc, p.node, 'migrated', 'mount-router-module', { handler: ref.name, reason: `mounts ${ref.specifier} as a runtime Router, or through fromExpress if it stayed an Express router` })] });
      continue;
    }
    if (ref.kind === 'foreign' && p.node.type === 'CallExpression' && calleeModule(p, p.node.callee) === 'cookie-parser' && p.node.arguments[0] && r.kind === 'app') {
      // cookie-parser keeps serving Express code (req.cookies); the runtime's own ctx.signedCookie needs the same secret.
      const secret = fc.j(p.node.arguments[0]).toSource();
      const state = shared.states.get(r);
      if (state && !state.serverOptions.some((o) => o.startsWith('cookieSecret'))) state.serverOptions.push(`cookieSecret: ${secret}`);
    }
    const trailingForeign = (ref.kind === 'foreign' || ref.kind === 'local-module') && r.kind === 'app' && !prefix && where.afterRoutes && where.routesBefore && fnPaths.length === 1;
    const state = shared.states.get(r)!;
    if (trailingForeign && !/err/i.test(fc.j(p.node).toSource())) {
      if (!state.notFound) {
        // Express reaches middleware registered after every route only for requests no route answered: the runtime's notFound.
        state.notFound = true;
        notFound = true;
        // Our own 404 handler from another module, converted there (codemods/imported-handlers.ts).
        const imported = importedNativeUse(fc, shared, p, 'notFound', false, undefined);
        if (imported) {
          fns.push(imported);
          outs.push({ method: 'notFound', args: [p.node] });
          continue;
        }
        const what = fc.j(p.node).toSource().split('\n')[0].slice(0, 60);
        fns.push({ node: p.node, own: false, apply: () => { fc.compatNames.add('fromExpress'); }, entries: [() => addEntry(fc, p.node, 'compat', 'express-not-found', { reason: `${what} answers unmatched requests through fromExpress`, handler: what })] });
        outs.push({ method: 'notFound', args: [fc.j.callExpression(fc.j.identifier('fromExpress'), [p.node])] });
        continue;
      }
    }
    const fnNode = ref.kind === 'inline' ? ref.node : ref.kind === 'local' ? ref.fnNode : null;
    const errorPackage = (trailingForeign && /err/i.test(fc.j(p.node).toSource())) || ref.kind === 'foreign' && p.node.type === 'CallExpression' && ERROR_HANDLER_PACKAGES.has(calleeModule(p, p.node.callee) ?? '');
    if ((fnNode && fnNode.params.length === 4) || errorPackage) {
      if (prefix) return { legacy: 'path-scoped error middleware', handlers };
      const imported = !fnNode && (ref.kind === 'local-module' || ref.kind === 'foreign') ? importedNativeUse(fc, shared, p, 'error', false, undefined) : null;
      if (imported) {
        fns.push(imported);
        outs.push(...errorHookOuts(fc, p.node));
        continue;
      }
      const plan = errorPackage ? null : planFn(shared, r, p, 'error', { relativeUrl: false, indexNames: new Map(), label: 'error handler', lastErrorHandler: isLastRegistration(shared, r, use) && p === fnPaths.at(-1) });
      if (plan && typeof plan !== 'string') {
        fns.push(plan);
        outs.push(...errorHookOuts(fc, plan.node));
        continue;
      }
      // Still Express's own error middleware, but now it answers the runtime's errors too.
      const reason = plan ?? `${fc.j(p.node).toSource()} is Express error middleware defined elsewhere`;
      fns.push({
        node: p.node, own: !errorPackage, compat: true, apply: () => { fc.compatNames.add('fromExpressErrorHandler'); },
        entries: [() => addEntry(fc, p.node, 'compat', 'express-error-handler', { reason: `runs through fromExpressErrorHandler: ${reason}`, handler: 'error handler' })],
      });
      if (!errorPackage) addTodoComment(fc, use.stmt, `error handler runs through fromExpressErrorHandler: ${reason}`);
      outs.push(...errorHookOuts(fc, fc.j.callExpression(fc.j.identifier('fromExpressErrorHandler'), [p.node])));
      continue;
    }
    const isTrailing404 = !!fnNode && r.kind === 'app' && !prefix && fnPaths.length === 1 && where.afterRoutes && where.routesBefore && responds404(fnNode) && !shared.states.get(r)!.notFound;
    const role: Role = isTrailing404 ? 'notFound' : 'middleware';
    const plan = planFn(shared, r, p, role, { relativeUrl: !!scopedPrefix || r.kind === 'router', indexNames: new Map(), label: isTrailing404 ? 'not found' : 'middleware', written: fc.stateProps, mountPath: scopedPrefix ?? undefined });
    if (typeof plan === 'string') {
      const inPlace = role === 'middleware' && fnNode ? expressMiddlewareInPlace(shared, r, p, fnNode, plan, scopedPrefix) : null;
      if (!inPlace) return { legacy: plan, handlers };
      fns.push(inPlace);
      plainMiddleware = true;
      outs.push({ method: 'requestMiddleware', args: scopedPrefix ? [j.stringLiteral(scopedPrefix), inPlace.node] : [inPlace.node] });
      continue;
    }
    fns.push(plan);
    if (isTrailing404) { notFound = true; shared.states.get(r)!.notFound = true; outs.push({ method: 'notFound', args: [plan.node] }); continue; }
    plainMiddleware = true;
    outs.push({ method: 'requestMiddleware', args: scopedPrefix ? [j.stringLiteral(scopedPrefix), plan.node] : [plan.node] });
  }
  return {
    ...countPlanned(fns),
    notFound,
    positional: plainMiddleware || outs.some((o) => o.method === 'mount'),
    mounts: outs.some((o) => o.method === 'mount'),
    entries: fns.flatMap((f) => f.entries),
    apply: () => {
      fns.forEach((f) => f.apply());
      if (outs.some((o) => o.method === 'panicHook')) shared.states.get(r)!.hasErrorHandler = true;
      const hoisted = outs.find((o) => o.method === 'const');
      if (hoisted) hoisted.statement.comments = use.stmt.node.comments;
      const statements = outs.map((o) => o.statement ?? j.expressionStatement(j.callExpression(j.memberExpression(j.identifier(r.name), j.identifier(o.method)), o.args)));
      if (statements.length === 1 && !outs[0].statement) {
        const call = use.stmt.node.expression;
        call.callee.property = j.identifier(outs[0].method);
        call.arguments = outs[0].args;
        return;
      }
      (statements[0] as any).comments = use.stmt.node.comments;
      use.stmt.replace(...statements);
      (use as { tail?: any }).tail = statements.at(-1);
    },
  };
}

/** Why a use() under a path with params stays on Express: anything but router modules of the app mounted there. */
function paramMountUseBlocker(shared: Shared, stmt: ASTPath<any>, fnPaths: ASTPath<any>[]): string | null {
  const { fc } = shared;
  if (routerNameTaken(stmt, shared.b)) return 'has parameters, and Router names something else here';
  for (const p of fnPaths) {
    const ref = resolveFnRef(fc, shared.b, p, shared.receivers, shared.registrationCallees);
    if (ref.kind === 'local-module' && !isOwnImportedHandler(fc, p)) continue;
    const what = ref.kind === 'inline' ? 'an inline function' : fc.j(p.node).toSource().split('\n')[0].slice(0, 40);
    return `has parameters: only a router module of the app mounted there migrates, not ${what}`;
  }
  return null;
}

/**
 * Our own middleware that cannot be converted still is Express middleware: it runs in its place through
 * fromExpress (so the routes after it still see it), unchanged, instead of moving to the legacy app where only
 * unmatched requests would reach it. Only when its conversion failed and left the function untouched.
 */
function expressMiddlewareInPlace(shared: Shared, r: Receiver, p: ASTPath<any>, fnNode: any, reason: string, mountPath: string | null): FnPlan | null {
  const { fc } = shared;
  const { j } = fc;
  const memo = shared.converted.get(fnNode);
  if (!memo || memo.role !== 'middleware' || memo.result.ok || fnNode.params.length > 3) return null;
  // In a router Express shows the URL below the mount; fromExpress here would show the full one.
  if (r.kind === 'router' && /\.(url|path|baseUrl)\b/.test(j(fnNode).toSource())) return null;
  if (r.kind === 'app') shared.viaCompat = true;
  const args = mountPath ? [p.node, parseExpression(j, `{ path: '${mountPath}' }`)] : [p.node];
  const name = p.node.type === 'Identifier' ? p.node.name : 'middleware';
  return {
    node: j.callExpression(j.identifier('fromExpress'), args), own: true, compat: true, viaCompat: name,
    entries: [() => addEntry(fc, p.node, 'compat', 'express-middleware-in-place', { reason: `runs through fromExpress: ${reason}`, handler: name })],
    apply: () => { fc.compatNames.add('fromExpress'); addTodoComment(fc, p.parent?.parent ?? p, `middleware runs through fromExpress: ${reason}`); },
  };
}

/**
 * Express error middleware saw every error, body-parser's 400/413 included;
 * the runtime sends those to requestErrorHook and the rest to panicHook, so
 * the handler is registered as both (hoisted to a const when it is inline).
 */
const hookNames = new WeakMap<FileContext, Set<string>>();

function errorHookOuts(fc: FileContext, hook: any): Array<{ method: string; args: any[]; statement?: any }> {
  const { j } = fc;
  if (hook.type === 'Identifier') return [{ method: 'panicHook', args: [hook] }, { method: 'requestErrorHook', args: [hook] }];
  let name = 'handleError';
  // Two inline error handlers are planned before either is written: the names taken so far count too.
  const taken = hookNames.get(fc) ?? new Set<string>();
  hookNames.set(fc, taken);
  for (let i = 2; taken.has(name) || fc.root.find(j.Identifier, { name }).size() > 0; i++) name = `handleError${i}`;
  taken.add(name);
  const decl = j.variableDeclaration('const', [j.variableDeclarator(j.identifier(name), hook)]);
  return [
    { method: 'const', args: [], statement: decl },
    { method: 'panicHook', args: [j.identifier(name)] },
    { method: 'requestErrorHook', args: [j.identifier(name)] },
  ];
}

/** Nothing is registered on the app after `use`: its next(err) reached Express's final handler. */
function isLastRegistration(shared: Shared, r: Receiver, use: ReceiverUse): boolean {
  const uses = shared.states.get(r)?.uses ?? [];
  return uses.slice(uses.indexOf(use) + 1).every((u) => u.kind !== 'registration' && u.kind !== 'route-chain' && u.kind !== 'mounted');
}

/** The converted handler calls renderView (res-render.ts): the compat import is added only once it is applied. */
function rendersView(fn: any): boolean {
  return someNode(fn.body, (n) => n.type === 'CallExpression' && n.callee.type === 'Identifier' && n.callee.name === 'renderView');
}

/** A last-registered `use` that answers 404: Express's usual not-found handler. */
function responds404(fn: any): boolean {
  return fn.params.length >= 2 && someNode(fn.body, (n) => (n.type === 'NumericLiteral' || n.type === 'Literal') && n.value === 404);
}

export type { Shared };

/** A handler from another module that its own module converted (codemods/imported-handlers.ts): registered as it is, natively. */
function importedNativeUse(fc: FileContext, shared: Shared, argPath: ASTPath<any>, role: Role, relativeUrl: boolean, written: Set<string> | undefined): FnPlan | null {
  const use = importedNativeRef(fc, argPath, { role, relativeUrl }, shared.registrationCallees);
  if (!use) return null;
  // req.<x> it now stores on ctx.state: only the handlers after it in this route read it from there.
  if (use.stateWrites.length > 0 && (!written || written === fc.stateProps)) return null;
  use.stateWrites.forEach((w) => written!.add(w));
  return {
    node: argPath.node, own: true,
    entries: [() => addEntry(fc, argPath.node, 'migrated', 'imported-handler', { handler: use.ref, reason: 'converted to a runtime handler in its own module' })],
    apply: use.applied,
  };
}
