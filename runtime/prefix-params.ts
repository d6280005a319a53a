/**
 * Request middleware scoped to a prefix with params
 * (`requestMiddleware('/projects/{projectId}/tasks', loadProject)`, or a
 * router's middleware mounted there) sees the params its prefix captured,
 * whether a route matched or not: Express shows `req.params` to
 * `app.use('/:projectId/tasks', fn)` and to a `mergeParams` router's own
 * middleware as the mount path's captures, also for a request that ends in
 * the 404. While it runs `ctx.params` holds those captures; the route and
 * every other middleware see their own params before and after it.
 *
 * Only middleware whose prefix has a param are wrapped (at registration), so
 * unscoped and literal-prefix middleware run exactly as before.
 */
import type { Context } from './context.js';
import type { Handler, Params } from './core.js';
import { decodeParam } from './normalize-path.js';
import { isThenable } from './thenable.js';

/** A prefix param: its segment's index in the path split at '/', and its name. */
interface Capture {
  index: number;
  name: string;
}

const PARAM = /^\{([A-Za-z_$][\w$]*)(?::.+)?\}$/;

/** The param segments of a (validated) prefix like '/orgs/{org}/admin'; empty when it has none. */
function capturesOf(prefix: string): Capture[] {
  const out: Capture[] = [];
  const segments = prefix.replace(/\/+$/, '').split('/');
  for (let index = 1; index < segments.length; index++) {
    const param = PARAM.exec(segments[index]!);
    if (param) out.push({ index, name: param[1]! });
  }
  return out;
}

/** The params `path` (normalised, already inside the prefix) gives the prefix's param segments. */
function capture(captures: readonly Capture[], path: string): Params {
  const params = Object.create(null) as Params;
  const parts = path.split('/');
  for (const { index, name } of captures) params[name] = decodeParam(parts[index] ?? '');
  return params;
}

/**
 * `fn` with `ctx.params` set to its prefix's captures while it runs (also while its promise is pending),
 * restored afterwards; `fn` itself when the prefix has no param.
 */
export function withPrefixParams(prefix: string, fn: Handler<any, any>): Handler<any, any> {
  const captures = capturesOf(prefix);
  if (captures.length === 0) return fn;
  return function prefixParams(ctx: Context<any, any>): unknown {
    const outer = ctx.params;
    ctx.params = capture(captures, ctx.path);
    let result: unknown;
    try {
      result = fn(ctx);
    } catch (err) {
      ctx.params = outer;
      throw err;
    }
    if (!isThenable(result)) {
      ctx.params = outer;
      return result;
    }
    return result.then(
      (value) => {
        ctx.params = outer;
        return value;
      },
      (err: unknown) => {
        ctx.params = outer;
        throw err;
      },
    );
  };
}
