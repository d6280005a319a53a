/**
 * What every peer serves, so the handlers are equivalent: the same routes,
 * the same JSON bodies, the same five request-middleware fields and the same
 * response-middleware header. The harness checks each peer's answers against
 * these before it measures anything (harness/peer-check.ts).
 */

/** Scenario (a): GET / */
export const HELLO = { hello: 'world' } as const;

/** Scenario (b): the five request middleware each set one of these to 1. */
export const FIELDS = ['a', 'b', 'c', 'd', 'e'] as const;
export type Field = (typeof FIELDS)[number];
export type BenchState = { [K in Field]?: number };

/** Scenario (b): the response middleware sets this header. */
export const RESPONSE_HEADER = 'x-bench';
export const RESPONSE_HEADER_VALUE = 'yes';

/** Scenario (b): the JSON body for /users/{id}, built from the route param and the middleware fields. */
export function userBody(id: string, state: BenchState): Record<string, unknown> {
  return { id, name: `user ${id}`, a: state.a, b: state.b, c: state.c, d: state.d, e: state.e };
}

/** Scenario (g): one event's data, sent as is (`data: <TICK>\n\n`). */
export const TICK = '{"type":"tick","value":42}';

export const HOST = '127.0.0.1';
