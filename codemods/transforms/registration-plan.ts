/**
 * The plan of one registration (registrations.ts plans them all before applying any): what it becomes on the
 * runtime, or why it stays on Express (`legacy`). The route-demotion passes (route-demotion.ts) turn planned
 * routes into legacy ones; `routeKeys` carry each route's method and runtime path as routeKey writes them.
 */

/** `positional`: emits request middleware or a mount, whose place among the routes matters under middlewareOrder 'registration'. */
export type Planned = { apply: () => void; handlers: number; compatHandlers?: number; entries: Array<() => void>; routeKeys?: string[]; positional?: boolean; /** A route whose next() became ctx.fallThrough(). */ fallsThrough?: boolean; /** A use() that mounts a router. */ mounts?: boolean };
export type Legacy = { legacy: string; handlers: number };
export type Plan = Planned | Legacy;

export const isLegacy = (p: Plan): p is Legacy => 'legacy' in p;

export function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path.replace(/\/$/, '') || '/'}`;
}
