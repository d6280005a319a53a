/**
 * Types shared by the server, the Context and the pipeline: handler
 * signatures, the compiled per-route plan and the per-server core state.
 */
import type { Context } from './context.js';
import type { ResolvedOptions } from './options.js';
import type { PathScope } from './path-scope.js';
import type { EventStream } from './sse.js';
import type { WebSocketRegistry } from './websocket.js';

/** Default type of ctx.state. */
export type DefaultState = Record<string, unknown>;
export type Params = Record<string, string>;

/**
 * Request middleware, route handlers and response middleware: sync or
 * async, no `next`. The return value is ignored (awaited only when it is a promise).
 */
export type Handler<S extends object = DefaultState, P = Params> = (ctx: Context<S, P>) => unknown;
/** Panic hooks and request-error hooks. */
export type ErrorHook<S extends object = DefaultState> = (ctx: Context<S, Params>, error: unknown) => unknown;

/**
 * The pipeline of one route (or of the 404/405 fallback), compiled before
 * the first request: the handler is the last of `steps`. A `scopes` entry is
 * non-null only for path-scoped middleware whose prefix must be checked per
 * request; the arrays are null when there is nothing to check or run.
 */
export interface Plan {
  readonly steps: Handler<any, any>[];
  readonly scopes: Array<PathScope | null> | null;
  readonly response: Handler<any, any>[] | null;
  readonly responseScopes: Array<PathScope | null> | null;
}

export interface Core {
  readonly options: ResolvedOptions;
  readonly panicHooks: ErrorHook<any>[];
  readonly requestErrorHooks: ErrorHook<any>[];
  readonly websockets: WebSocketRegistry;
  /** Open SSE streams, ended on graceful close. */
  readonly eventStreams: Set<EventStream>;
  /** Set by close(): responses written from now on close their connection. */
  draining: boolean;
}
