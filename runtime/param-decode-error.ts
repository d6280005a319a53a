/**
 * Express's error for a route param it cannot decode (malformedPath
 * 'express'): the URIError decodeURIComponent threw, its message replaced
 * by "Failed to decode param '<value as sent>'", status and statusCode 400
 * (Express 4's lib/router/layer.js and router 2.x's, Express 5's, alike).
 * Error handlers read these fields, so they are Express's exactly.
 */
import type { Context } from './context.js';
import type { Handler } from './core.js';
import { holdsMalformedSegment } from './normalize-path.js';

/**
 * The route step that throws it, for the first param (in the pattern's
 * order) holding a segment kept as sent; without such params (a route of
 * another method, whose params were not taken), the first such segment.
 */
export function paramDecodeFailure(): Handler<any, any> {
  return function failedToDecodeParam(ctx: Context<any, any>): void {
    const params = ctx.params as Record<string, string>;
    for (const key in params) {
      const value = params[key]!;
      if (holdsMalformedSegment(value)) throw paramDecodeError(value);
    }
    const segment = ctx.path.split('/').find(holdsMalformedSegment);
    throw paramDecodeError(segment ?? ctx.path);
  };
}

function paramDecodeError(value: string): Error {
  try {
    decodeURIComponent(value);
  } catch (err) {
    if (err instanceof URIError) {
      err.message = `Failed to decode param '${value}'`;
      const fields = err as URIError & { status?: number; statusCode?: number };
      fields.status = fields.statusCode = 400;
    }
    return err as Error;
  }
  // Unreachable for a segment normalizePath could not decode; kept total for the type.
  return Object.assign(new URIError(`Failed to decode param '${value}'`), { status: 400, statusCode: 400 });
}
