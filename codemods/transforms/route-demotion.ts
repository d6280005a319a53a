/**
 * Route demotion: after every registration of a receiver is planned, the planned routes that would behave
 * differently on the runtime go back to Express (the legacy app): routes app.param resolves, repeated
 * method+path, routes an earlier legacy route shadows, and routes whose ctx.fallThrough() would reach other
 * code than Express's next(). Also how legacy registrations group into legacy apps: when native middleware
 * closes one (closesSegment), and when the grouping cannot keep app.param or shared settings in one app (legacySplit).
 */
import { basename } from 'node:path';
import type { FileContext } from './context.js';
import type { Receiver } from './express-binding.js';
import type { ReceiverUse } from './receiver-uses.js';
import { isStringLiteral } from './ast-utils.js';
import { paramRouteReason } from './app-legacy-uses.js';
import { mountsOf } from './mount-hints.js';
import { isLegacy, type Plan, type Planned } from './registration-plan.js';
import { mayOverlap, registrationsMeet, usePrefix } from './route-overlap.js';

/** Routes with a parameter that app.param resolves stay on Express, next to the moved app.param (app-legacy-uses.ts). */
export function demoteParamRoutes(plans: Array<{ use: ReceiverUse; plan: Plan }>, params: Set<string>): void {
  if (params.size === 0) return;
  for (const p of plans) {
    if (isLegacy(p.plan) || !(p.use.kind === 'route-chain' || (p.use.kind === 'registration' && p.use.method !== 'use'))) continue;
    const reason = paramRouteReason(routePathOf(p.use), params);
    if (reason) p.plan = { legacy: reason, handlers: p.plan.handlers };
  }
}

/** The path of a route, or of `app.use('/p/:id', ...)` (Express 4 resolves app.param for those layers too). */
export function routePathOf(use: ReceiverUse): any {
  if (use.kind === 'route-chain') return use.path;
  if (use.kind !== 'registration') return null;
  return use.method !== 'use' || isStringLiteral(use.args[0]) ? use.args[0] : null;
}

/**
 * Native middleware after a run of legacy registrations closes their legacy app (it is mounted before the
 * middleware) only when the middleware can meet one of their requests: `/admin` after `/posts/:id` cannot,
 * so the legacy app stays open and takes the later legacy registrations too (one app for the settings,
 * locals and app.param the legacy routes share).
 */
export function closesSegment(use: ReceiverUse, segmentUses: ReceiverUse[]): boolean {
  if (use.kind !== 'registration') return true;
  const prefix = usePrefix(use);
  return segmentUses.some((earlier) => mayOverlap(prefix, earlier));
}

/**
 * app.param runs once per request in one Express app: its routes must all land in the same legacy app. The
 * settings and app.locals that Express code reads live on one legacy app too (`legacyApp`): a second one would
 * render without them.
 */
export function legacySplit(plans: Array<{ use: ReceiverUse; plan: Plan }>, ordered: boolean, params: Set<string>, sharedState: boolean): string | null {
  if (params.size === 0 && !sharedState) return null;
  let segment = 0;
  let open = false;
  let uses: ReceiverUse[] = [];
  const holding = new Set<number>();
  for (const p of plans) {
    if (isLegacy(p.plan)) {
      if (!open) { segment++; open = true; uses = []; }
      uses.push(p.use);
      if (paramRouteReason(routePathOf(p.use), params)) holding.add(segment);
    } else if (ordered && open && (p.plan as Planned).positional && closesSegment(p.use, uses)) open = false;
  }
  if (holding.size > 1) return 'app.param resolves routes that would land in different legacy apps (middleware between them)';
  return sharedState && segment > 1 ? 'Express-only settings or app.locals would serve routes in different legacy apps (middleware between them)' : null;
}

/**
 * Express keeps every registration and reaches a repeated method+path only
 * through next() from the first; the runtime refuses duplicates. Later
 * duplicates stay on Express, where they behave as before.
 */
export function demoteDuplicateRoutes(plans: Array<{ use: ReceiverUse; plan: Plan }>): void {
  const seen = new Set<string>();
  for (const p of plans) {
    if (isLegacy(p.plan) || !p.plan.routeKeys) continue;
    // Param names do not matter for a clash: /users/{id} and /users/{userId} are the same route.
    const shapes = p.plan.routeKeys.map((k) => k.toLowerCase().replace(/\{[^}:]+(:[^}]*)?\}/g, '{$1}'));
    if (shapes.some((k) => seen.has(k))) {
      p.plan = { legacy: 'same method and path as an earlier route (Express reaches it only through next())', handlers: p.plan.handlers };
      continue;
    }
    shapes.forEach((k) => seen.add(k));
  }
}

/**
 * The legacy app answers after every runtime route, so a runtime route that
 * Express reached only after an earlier legacy route (`/users/new` legacy,
 * then `/users/:id` migrated) would now win: it stays on Express too.
 */
export function demoteShadowingRoutes(plans: Array<{ use: ReceiverUse; plan: Plan }>): void {
  const legacySamples: Array<{ method: string; sample: string }> = [];
  for (const p of plans) {
    if (isLegacy(p.plan)) {
      legacySamples.push(...legacyRouteSamples(p.use));
      continue;
    }
    const keys = p.plan.routeKeys ?? [];
    const shadowed = keys.some((k) => {
      const [method, pattern] = [k.slice(0, k.indexOf(' ')), k.slice(k.indexOf(' ') + 1)];
      const re = patternRegex(pattern);
      return legacySamples.some((l) => (l.method === method || l.method === 'ALL' || method === 'ALL') && re.test(l.sample));
    });
    if (shadowed) {
      p.plan = { legacy: 'an earlier route that stays on Express matches the same requests (Express tried it first)', handlers: p.plan.handlers };
      legacySamples.push(...legacyRouteSamples(p.use));
    }
  }
}

/**
 * A route whose next() became ctx.fallThrough() keeps it only when the runtime then runs what Express ran: the
 * middleware registered after it and the legacy app mounted last (both in the fall-through plan under
 * middlewareOrder 'registration', which the caller sets), but no runtime route or router that could take the
 * request (Express would have tried it), and no earlier legacy registration that could (Express ran it before
 * the route; the legacy app would run it after). In a router, the same inside the router, then at every mount
 * of it: the project pass checks what the mounter registered around the mount (project/mount-fall-through.ts).
 * True when a route keeps its ctx.fallThrough().
 */
export function demoteFallThroughRoutes(plans: Array<{ use: ReceiverUse; plan: Plan }>, r: Receiver, fc: FileContext): boolean {
  let kept = false;
  plans.forEach((p, i) => {
    if (isLegacy(p.plan) || !p.plan.fallsThrough) return;
    const blocker = fallThroughBlocker(plans, i) ?? (r.kind === 'router' ? mountFallThroughBlocker(fc, r) : null);
    if (blocker) p.plan = { legacy: `next() in a route handler falls through to later routes (${blocker})`, handlers: p.plan.handlers };
    else kept = true;
  });
  return kept;
}

/** Every mount of the router (the project pass's 'router' hints for it) must pass; none seen is not proved. */
function mountFallThroughBlocker(fc: FileContext, r: Receiver): string | null {
  const mounts = mountsOf(fc, r.name);
  if (mounts.length === 0) return 'in a router, what runs after its mount is not known';
  const failed = mounts.find((h) => h.mountFallThrough !== null);
  if (!failed) return null;
  return `in a router mounted at ${basename(failed.from.file)}:${failed.from.line}: ${failed.mountFallThrough ?? 'not checked'}`;
}

function fallThroughBlocker(plans: Array<{ use: ReceiverUse; plan: Plan }>, i: number): string | null {
  const route = plans[i].use;
  for (const [k, q] of plans.entries()) {
    if (k === i) continue;
    const legacy = isLegacy(q.plan);
    const later = k > i;
    if (later && legacy) continue; // the legacy app, mounted after the route, receives the request
    if (!later && !legacy) continue; // ran (or was passed over) before the route, in both
    const isRoute = q.use.kind === 'route-chain' || (q.use.kind === 'registration' && q.use.method !== 'use');
    if (later && !isRoute && !(q.plan as Planned).mounts) continue; // middleware: in the fall-through plan, in order
    if (registrationsMeet(route, q.use)) return `${later ? 'a later runtime' : 'an earlier Express'} registration may match the same requests`;
  }
  return null;
}

function legacyRouteSamples(use: ReceiverUse): Array<{ method: string; sample: string }> {
  const sample = (node: any) => (isStringLiteral(node) ? node.value.replace(/:[A-Za-z_$][\w$]*(\([^)]*\))?\??/g, 'x').replace(/\*/g, 'x') : null);
  if (use.kind === 'registration' && use.method !== 'use') {
    const s = sample(use.args[0]);
    return s ? [{ method: use.method === 'del' ? 'DELETE' : use.method.toUpperCase(), sample: s.toLowerCase().replace(/\/$/, '') }] : [];
  }
  if (use.kind === 'route-chain') {
    const s = sample(use.path);
    return s ? use.methods.map((m) => ({ method: m.method.toUpperCase(), sample: s.toLowerCase().replace(/\/$/, '') })) : [];
  }
  return [];
}

function patternRegex(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '{') {
      const end = pattern.indexOf('}', i);
      const inner = pattern.slice(i + 1, end);
      const colon = inner.indexOf(':');
      out += colon < 0 ? '[^/]+' : `(?:${inner.slice(colon + 1)})`;
      i = end;
    } else out += pattern[i].replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  }
  try { return new RegExp(`^${out}$`, 'i'); } catch { return /^$/; }
}
