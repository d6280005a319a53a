/**
 * Turns the Context's response builder into bytes, once, after response
 * middleware. The common case (a JSON or text body, no stream) is a single
 * res.writeHead + res.end with Content-Length.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import { debuglog } from 'node:util';
import { compressPlanOf, decideEncoding, encodeLaterWrites, sendEncoded, type CompressPlan } from './compress.js';
import { pipeBodyToResponse } from './pipe-body.js';
import { BODY_BYTES, BODY_JSON, BODY_NONE, BODY_STREAM, BODY_TEXT, HeaderBag, type Context, type HeaderValue } from './context.js';

const debug = debuglog('expressway:runtime');

function noBodyStatus(status: number): boolean {
  return status === 204 || status === 304 || status < 200;
}

/** Headers to write: the builder's object itself (the response is final now), or a fresh one. */
function headersFor(ctx: Context<any, any>): Record<string, HeaderValue> {
  return (ctx._headers ??= new HeaderBag());
}

/** Writes status, headers and body, unless someone else already committed or ended the response. */
export function writeResponse(ctx: Context<any, any>): void {
  const res = ctx._res!;
  if (res.headersSent || res.writableEnded) {
    // Committed through commitHead() with a stream body still to send (ctx.stream + commitHead).
    if (ctx._kind === BODY_STREAM && !res.writableEnded && !res.destroyed) pipeBody(ctx, res);
    return;
  }
  if (ctx._closeAfter || ctx._core.draining) res.shouldKeepAlive = false;
  const status = ctx._status;
  const kind = ctx._kind;
  // compress() marked this response (compress.ts); null for every other one.
  const plan = compressPlanOf(res) ?? null;
  if (kind === BODY_STREAM) {
    const headers = headersFor(ctx);
    if (headers['content-type'] === undefined) headers['content-type'] = 'application/octet-stream';
    const encoding = plan === null ? null : decideEncoding(plan, ctx.req, res, headers, undefined);
    res.writeHead(status, headers as OutgoingHttpHeaders);
    if (noBodyStatus(status) || ctx.method === 'HEAD') {
      (ctx._body as Readable).destroy();
      res.end();
    } else if (encoding !== null) {
      pipeEncoded(ctx, res, plan!, encoding);
    } else {
      pipeBody(ctx, res);
    }
    return;
  }
  let payload: string | Uint8Array;
  if (kind === BODY_JSON) {
    const spaces = ctx._core.options.jsonSpaces;
    payload = (spaces === undefined ? JSON.stringify(ctx._body) : JSON.stringify(ctx._body, null, spaces)) ?? '';
  }
  else if (kind === BODY_TEXT) payload = ctx._body as string;
  else if (kind === BODY_BYTES) payload = ctx._body as Uint8Array;
  else payload = '';
  if (noBodyStatus(status)) {
    const headers = ctx._headers;
    if (headers !== null) {
      delete headers['content-length'];
      delete headers['content-type'];
    }
    // No body goes out; compression still adds its headers when the type it sees qualifies.
    if (plan !== null) decideEncoding(plan, ctx.req, res, headersFor(ctx), 0);
    res.writeHead(status, (ctx._headers ?? undefined) as OutgoingHttpHeaders | undefined);
    res.end();
    return;
  }
  const length = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
  if (plan !== null) {
    writeCompressible(ctx, res, plan, kind, payload, length);
    return;
  }
  const headers = ctx._headers;
  if (headers === null) {
    // Shortcut: nothing set by the handler, one flat literal array for node.
    res.writeHead(status, kind === BODY_NONE ? ['content-length', 0] : ['content-type', ctx._type ?? defaultType(kind), 'content-length', length]);
  } else {
    if (kind !== BODY_NONE && headers['content-type'] === undefined) headers['content-type'] = ctx._type ?? defaultType(kind);
    headers['content-length'] = length;
    res.writeHead(status, headers as OutgoingHttpHeaders);
  }
  res.end(payload);
}

/** A buffered body under compress(): the head as usual, then the body encoded when compression would. */
function writeCompressible(ctx: Context<any, any>, res: ServerResponse, plan: CompressPlan, kind: number, payload: string | Uint8Array, length: number): void {
  const headers = headersFor(ctx);
  if (kind !== BODY_NONE && headers['content-type'] === undefined) headers['content-type'] = ctx._type ?? defaultType(kind);
  headers['content-length'] = length;
  const encoding = decideEncoding(plan, ctx.req, res, headers, length);
  res.writeHead(ctx._status, headers as OutgoingHttpHeaders);
  if (encoding === null) res.end(payload);
  else sendEncoded(plan, encoding, res, payload, onStreamDone);
}

function pipeEncoded(ctx: Context<any, any>, res: ServerResponse, plan: CompressPlan, encoding: string): void {
  const body = ctx._body as Readable;
  ctx._kind = BODY_NONE;
  pipeline(body, plan.createEncoder(encoding), res, onStreamDone);
}

function defaultType(kind: number): string {
  if (kind === BODY_JSON) return 'application/json; charset=utf-8';
  if (kind === BODY_TEXT) return 'text/plain; charset=utf-8';
  return 'application/octet-stream';
}

function pipeBody(ctx: Context<any, any>, res: ServerResponse): void {
  const body = ctx._body as Readable;
  // Mark it piped so a second writeResponse (commitHead then the pipeline) does not pipe twice.
  ctx._kind = BODY_NONE;
  pipeBodyToResponse(body, res, onStreamDone);
}

function onStreamDone(err: Error | null | undefined): void {
  // pipeline destroyed both ends already; the client sees a cut-off response.
  if (err) debug('response stream ended with %s', err.message);
}

/** Writes the head only: status and headers from the builder, no Content-Length unless set. */
export function writeHeadOnly(ctx: Context<any, any>): void {
  const res = ctx._res!;
  if (res.headersSent) return;
  if (ctx._closeAfter || ctx._core.draining) res.shouldKeepAlive = false;
  const headers = headersFor(ctx);
  if (headers['content-type'] === undefined && ctx._type !== null) headers['content-type'] = ctx._type;
  const plan = compressPlanOf(res);
  const encoding = plan === undefined ? null : decideEncoding(plan, ctx.req, res, headers, undefined);
  res.writeHead(ctx._status, headers as OutgoingHttpHeaders);
  // The body is written by whoever committed (static files, ctx.sse(), ctx.stream()): through the encoder.
  if (encoding !== null) encodeLaterWrites(plan!, encoding, res, isEventStream(headers['content-type']));
}

function isEventStream(type: HeaderValue | undefined): boolean {
  return typeof type === 'string' && type.toLowerCase().startsWith('text/event-stream');
}
