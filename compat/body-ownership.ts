/**
 * Exactly one layer reads the request body (the @fastify/express POST hang:
 * body-parser waited for a stream the framework had already drained).
 *
 * - The runtime read it first (ctx.json(), jsonBody(), ...): Express sees it
 *   as parsed, `req._body = true` and `req.body` (body-parser 1 checks
 *   `_body`, body-parser 2 sees the finished stream), so it never waits.
 * - Express read it first (body-parser, multer): ctx.requestBody and the
 *   runtime readers return that result instead of reading a drained stream.
 */
import type { IncomingMessage } from 'node:http';
import qs from 'qs';
import type { Context } from '../runtime/index.js';
import type { BodyState } from '../runtime/body.js';

type ExpressRequest = IncomingMessage & { _body?: boolean; body?: unknown };

/** Before Express code runs. Returns a promise only when a runtime read is still in flight. */
export function shareRuntimeBody(ctx: Context<any, any>, req: IncomingMessage): Promise<void> | undefined {
  const r = req as ExpressRequest;
  if (r._body === true) return undefined;
  if (ctx._requestBody !== undefined) {
    markParsed(r, ctx._requestBody);
    return undefined;
  }
  const state = ctx._body$;
  if (state === undefined) return undefined; // nobody read it: Express may
  if (state.json !== undefined) {
    markParsed(r, state.json.value);
    return undefined;
  }
  if (state.raw === undefined) {
    r._body = true; // streamed by the runtime: nothing left for Express to read
    return undefined;
  }
  return state.raw.then(
    () => parsedByRuntime(ctx).then((value) => markParsed(r, value)),
    () => {
      r._body = true;
    },
  );
}

function markParsed(req: ExpressRequest, value: unknown): void {
  req._body = true;
  req.body = value;
}

/** The raw bytes are in: hand Express the shape its parser for this content type would give. */
async function parsedByRuntime(ctx: Context<any, any>): Promise<unknown> {
  const type = String(ctx.req.headers['content-type'] ?? '').toLowerCase();
  if (type.includes('json')) return ctx.json();
  if (type.startsWith('application/x-www-form-urlencoded')) return ctx.form();
  if (type.startsWith('text/')) return ctx.text();
  return ctx.bytes();
}

/** After an Express middleware called next(): adopt what its body parser produced. */
export function adoptExpressBody(ctx: Context<any, any>, req: IncomingMessage): void {
  if (ctx._requestBody !== undefined || ctx._body$ !== undefined) return;
  const r = req as ExpressRequest;
  const parsed = r._body === true || (req.complete && req.readableEnded && r.body !== undefined);
  if (!parsed) return;
  const body = r.body;
  ctx.requestBody = body;
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  const raw = rawOf(body, type);
  const state: BodyState = { raw: raw === undefined ? undefined : Promise.resolve(raw), streamed: false, json: undefined };
  if (type.includes('json')) state.json = { value: body };
  // Without raw bytes the readers see the finished stream and return an empty body: never a hang.
  ctx._body$ = state;
}

/** Bytes equivalent to what the parser consumed, so ctx.text()/bytes()/form() agree with req.body. */
function rawOf(body: unknown, type: string): Buffer | undefined {
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body);
  if (body === null || typeof body !== 'object') return undefined;
  if (type.includes('json')) return Buffer.from(JSON.stringify(body));
  if (type.startsWith('application/x-www-form-urlencoded')) return Buffer.from(qs.stringify(body));
  return undefined;
}
