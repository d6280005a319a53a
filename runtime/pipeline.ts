/**
 * The per-request runner: request middleware -> route -> response
 * middleware -> write, over a plan compiled before the first request
 * (compile.ts). There is no `next`: each function runs to completion, and
 * the runner only waits when a function returns a thenable (one promise
 * reaction, then it carries on synchronously from the next step), so a
 * route with synchronous functions completes without allocating a promise.
 *
 * Errors thrown or rejected anywhere go to the panic hooks (request errors,
 * i.e. coded 4xx from body readers, paths and the HTTP parser, go to the
 * request-error hooks); whatever happens, the request gets an answer or its
 * socket is destroyed, and nothing escapes to crash the process.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { debuglog } from 'node:util';
import { REQUEST_ERROR_CODES } from './codes.js';
import { BODY_NONE, acceptedWebSocket, type Context } from './context.js';
import type { ErrorHook, Handler } from './core.js';
import { continueUnmatched, isFallThrough } from './fall-through.js';
import type { PathScope } from './path-scope.js';
import { isThenable } from './thenable.js';
import { rejectUpgrade } from './websocket.js';
import { writeHeadOnly, writeResponse } from './write.js';

const debug = debuglog('expressway:runtime');

/** Step `i` is path-scoped middleware (`requestMiddleware('/admin', fn)`) and this path is not under it. */
function outOfScope(scopes: Array<PathScope | null> | null, i: number, path: string): boolean {
  if (scopes === null) return false;
  const scope = scopes[i];
  return scope != null && !scope.matches(path);
}

/**
 * Entry point: runs the whole pipeline of a Context whose plan is set.
 * Synchronous functions run in this call; a function that returns a
 * thenable parks the pipeline until it settles (waitFor). Never throws or rejects.
 */
export function runPipeline(ctx: Context<any, any>): void {
  runRequestSteps(ctx, 0);
}

/** Request steps from `from` on, then respond(); stops at the first thenable. */
function runRequestSteps(ctx: Context<any, any>, from: number): void {
  const { steps, scopes } = ctx._plan!;
  for (let i = from; i < steps.length; i++) {
    if (ctx.aborted) break;
    if (outOfScope(scopes, i, ctx.path)) continue;
    let result: unknown;
    try {
      result = steps[i]!(ctx);
    } catch (err) {
      failRequest(ctx, err);
      return;
    }
    if (isThenable(result)) {
      waitFor(ctx, result, i + 1);
      return;
    }
  }
  respond(ctx);
}

/** Response middleware (unless commitHead already ran them), then the write. */
function respond(ctx: Context<any, any>): void {
  if (ctx._res === null) {
    finishUpgrade(ctx);
    return;
  }
  const response = ctx._plan!.response;
  if (ctx._responseRan || response === null) {
    ctx._markResponseRan();
    safeWrite(ctx);
    return;
  }
  ctx._markResponseRan();
  runResponseFrom(ctx, 0);
}

/** Response middleware from `from` on, then the write; stops at the first thenable. */
function runResponseFrom(ctx: Context<any, any>, from: number): void {
  const { response, responseScopes } = ctx._plan!;
  for (let i = from; i < response!.length; i++) {
    if (outOfScope(responseScopes, i, ctx.path)) continue;
    let result: unknown;
    try {
      result = response![i]!(ctx);
    } catch (err) {
      handleError(ctx, err, true).then(undefined, lastResort);
      return;
    }
    if (isThenable(result)) {
      waitFor(ctx, result, RESPONSE_PHASE - i - 1);
      return;
    }
  }
  safeWrite(ctx);
}

/**
 * `ctx._next` encodes where to resume: a request step index (>= 0), or
 * RESPONSE_PHASE - i for response middleware i (< 0).
 */
const RESPONSE_PHASE = -1;

/**
 * Parks the pipeline on a thenable the app returned and resumes it at
 * `next` once it settles. The two continuations are made once per request,
 * on its first thenable (a synchronous pipeline makes none), and reused for
 * every later one: a plain reaction on the promise is cheaper than an
 * async function's await, which allocates and resumes a generator frame
 * per await. Promise.resolve adopts foreign thenables as `await` does.
 */
function waitFor(ctx: Context<any, any>, pending: PromiseLike<unknown>, next: number): void {
  ctx._next = next;
  let resume = ctx._resume;
  if (resume === null) {
    resume = ctx._resume = () => resumePipeline(ctx);
    ctx._fail = (err: unknown) => failPipeline(ctx, err);
  }
  Promise.resolve(pending).then(resume, ctx._fail!);
}

/** Runs as a promise reaction: it must not throw (the reaction's own promise would reject unhandled). */
function resumePipeline(ctx: Context<any, any>): void {
  try {
    const next = ctx._next;
    if (next >= 0) runRequestSteps(ctx, next);
    else runResponseFrom(ctx, RESPONSE_PHASE - next);
  } catch (err) {
    lastResort(err);
  }
}

function failPipeline(ctx: Context<any, any>, err: unknown): void {
  handleError(ctx, err, ctx._next < 0).then(undefined, lastResort);
}

/** Runs response middleware (for commitHead and error handling); throws synchronously or returns a promise when one of them is async. */
function runResponseSteps(ctx: Context<any, any>): Promise<void> | undefined {
  ctx._markResponseRan();
  const { response, responseScopes } = ctx._plan!;
  if (response === null) return undefined;
  for (let i = 0; i < response.length; i++) {
    if (outOfScope(responseScopes, i, ctx.path)) continue;
    const result = response[i]!(ctx);
    if (isThenable(result)) return continueResponseSteps(ctx, result, response, i + 1);
  }
  return undefined;
}

async function continueResponseSteps(ctx: Context<any, any>, pending: PromiseLike<unknown>, response: Handler<any, any>[], from: number): Promise<void> {
  await pending;
  const scopes = ctx._plan!.responseScopes;
  for (let i = from; i < response.length; i++) {
    if (outOfScope(scopes, i, ctx.path)) continue;
    const result = response[i]!(ctx);
    if (isThenable(result)) await result;
  }
}

/** ctx.commitHead(): response middleware once, then the head. */
export async function commitHead(ctx: Context<any, any>): Promise<void> {
  if (!ctx._responseRan) {
    const pending = runResponseSteps(ctx);
    if (pending !== undefined) await pending;
  }
  writeHeadOnly(ctx);
}

function safeWrite(ctx: Context<any, any>): void {
  try {
    writeResponse(ctx);
  } catch (err) {
    // Invalid header name, a value node refuses...: answer 500 if still possible.
    reportError(ctx, err);
    const res = ctx._res!;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // The builder's headers may be what node refused: answer with none of them.
    ctx._headers = null;
    resetResponse(ctx);
    defaultErrorResponse(ctx, 500, undefined);
    try {
      writeResponse(ctx);
    } catch {
      res.destroy();
    }
  }
}

// ------------------------------------------------------------------ errors

/** Status an error maps to: its status/statusCode when it is a 4xx/5xx, else 500. */
export function statusOf(err: unknown): number {
  if (typeof err === 'object' && err !== null) {
    const e = err as { status?: unknown; statusCode?: unknown };
    const status = typeof e.status === 'number' ? e.status : e.statusCode;
    if (typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599) return status;
  }
  return 500;
}

/** Coded 4xx from the runtime itself (parse errors, limits, timeouts): the request-error hooks handle them. */
export function isRequestError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && REQUEST_ERROR_CODES.has(code);
}

function resetResponse(ctx: Context<any, any>): void {
  ctx._body = undefined;
  ctx._kind = BODY_NONE;
  ctx._type = null;
  ctx.removeHeader('content-type');
  ctx.removeHeader('content-length');
}

/**
 * The default error answer, Fastify's shape: `{ statusCode, error, message, code? }`.
 * Messages of 4xx errors are shown (they describe the request), 5xx never
 * (no stack, no internals).
 */
export function defaultErrorResponse(ctx: Context<any, any>, status: number, err: unknown): void {
  const error = STATUS_CODES[status] ?? 'Error';
  const body: Record<string, unknown> = { statusCode: status, error, message: error };
  if (status < 500 && err instanceof Error) {
    body.message = err.message;
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') body.code = code;
  }
  ctx.status = status;
  ctx.json(body);
}

/** Sends a request that failed before its pipeline started (bad path, parser error) to the hooks. */
export function failRequest(ctx: Context<any, any>, err: unknown): void {
  handleError(ctx, err, false).then(undefined, lastResort);
}

async function handleError(ctx: Context<any, any>, err: unknown, fromResponse: boolean): Promise<void> {
  if (isFallThrough(err)) {
    // ctx.fallThrough(): not an error; the request goes on as unmatched (fall-through.ts).
    const outcome = continueUnmatched(ctx, fromResponse, runPipeline);
    if (outcome === true) return;
    err = outcome;
  }
  ctx.error = err;
  const core = ctx._core;
  const requestError = isRequestError(err);
  const hooks: ErrorHook<any>[] = requestError ? core.requestErrorHooks : core.panicHooks;
  if (!requestError && hooks.length === 0) reportError(ctx, err);
  const res = ctx._res;
  if (res !== null && (res.headersSent || res.writableEnded)) {
    // Too late for another status: let the hooks observe, then cut the response.
    await runHooks(ctx, hooks, err);
    if (!res.writableEnded) res.destroy();
    return;
  }
  resetResponse(ctx);
  ctx._status = statusOf(err);
  let hooksFailed = !(await runHooks(ctx, hooks, err));
  if (!hooksFailed && !fromResponse && !ctx._responseRan && ctx._res !== null && !ctx._res.writableEnded) {
    try {
      const pending = runResponseSteps(ctx);
      if (pending !== undefined) await pending;
    } catch (responseErr) {
      reportError(ctx, responseErr);
      hooksFailed = true;
    }
  }
  if (hooksFailed) {
    resetResponse(ctx);
    defaultErrorResponse(ctx, 500, undefined);
  } else if (ctx._kind === BODY_NONE && ctx._status >= 400) {
    // Hooks that only log leave the body empty: give the default answer for the status they chose.
    defaultErrorResponse(ctx, ctx._status, err);
  }
  ctx._markResponseRan();
  if (ctx._res === null) {
    finishUpgrade(ctx);
    return;
  }
  safeWrite(ctx);
}

/** Runs hooks in order; false when one of them threw (the answer becomes a plain 500). */
async function runHooks(ctx: Context<any, any>, hooks: ErrorHook<any>[], err: unknown): Promise<boolean> {
  for (const hook of hooks) {
    try {
      const result = hook(ctx, err);
      if (isThenable(result)) await result;
    } catch (hookErr) {
      reportError(ctx, hookErr);
      return false;
    }
  }
  return true;
}

function reportError(ctx: Context<any, any>, err: unknown): void {
  debug('%s %s failed: %s', ctx.method, ctx.url, err instanceof Error ? (err.stack ?? err.message) : String(err));
  if (ctx._core.options.logErrors && statusOf(err) >= 500) {
    console.error(`[expressway] ${ctx.method} ${ctx.url} failed:`, err);
  }
}

function lastResort(err: unknown): void {
  // Every path above catches its own errors; reaching here is a runtime bug.
  console.error('[expressway] internal error in the request pipeline:', err);
}

// ---------------------------------------------------------------- upgrades

type InFlight = { headersSent: boolean } | null | undefined;

/** Sockets whose client error came while node had a response in flight on them (a request timeout): that response. */
const inFlightAtClientError = new WeakMap<Duplex, { headersSent: boolean }>();

/**
 * For node's clientError: whether the socket's response in flight already
 * sent its head (then no socket-level answer may follow it). Otherwise that
 * response is remembered, since its handler may still answer while the
 * request-error hooks run; it leaves the socket once it finishes.
 */
export function mayAnswerClientError(socket: Duplex): boolean {
  const inFlight = (socket as { _httpMessage?: InFlight })._httpMessage;
  if (!inFlight) return true;
  if (inFlight.headersSent) return false;
  inFlightAtClientError.set(socket, inFlight);
  return true;
}

/** After the pipeline of an upgrade request: if the route did not accept it, refuse with the chosen status. */
function finishUpgrade(ctx: Context<any, any>): undefined {
  if (ctx._upgraded) {
    // The route failed after accepting: the peer must not wait on a socket nobody serves.
    if (ctx.error !== undefined) acceptedWebSocket(ctx)?.close(1011, 'internal error');
    return undefined;
  }
  const socket = ctx._socket!;
  if (inFlightAtClientError.get(socket)?.headersSent === true) {
    // A request that timed out while its handler held it: the handler answered while the
    // request-error hooks ran. A 408 now would follow that answer on the wire; close as node does.
    socket.destroy();
    return undefined;
  }
  let status = ctx._status;
  if (status < 400) status = ctx.error === undefined ? 426 : 500;
  const headers: Record<string, string> = {};
  if (ctx._headers !== null) {
    for (const name of Object.keys(ctx._headers)) {
      const value = ctx._headers[name]!;
      if (name === 'content-type' || name === 'content-length') continue;
      headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
    }
  }
  let body: string | undefined;
  if (ctx._kind !== BODY_NONE) {
    body = typeof ctx._body === 'string' ? ctx._body : JSON.stringify(ctx._body);
    headers['content-type'] = String(ctx._headers?.['content-type'] ?? ctx._type ?? 'text/plain; charset=utf-8');
  }
  try {
    rejectUpgrade(socket, status, headers, body);
  } catch {
    socket.destroy();
  }
  return undefined;
}

// ------------------------------------------------------- 404 / 405 routes

/** Default last step when no route matched. */
export function defaultNotFound(ctx: Context<any, any>): void {
  ctx.status = 404;
  ctx.json({ statusCode: 404, error: 'Not Found', message: `Route ${ctx.method} ${ctx.path} not found` });
}
