/**
 * Route selections for progressive cutover: `GET /users/{id}`, `/users/{id}`
 * (any method) or `/files/{path:.+}` (a regex parameter). Grouping requests
 * into ledger rows is route-template.ts's job; this file only answers "is
 * this request one of the routes chosen to be served by the candidate?".
 */

interface CompiledTemplate {
  /** Upper-case method, or `*` for any. */
  method: string;
  template: string;
  regex: RegExp;
}

/** Parses `GET /users/{id}`, `/users/{id}` (any method) or `* /x` into a compiled template. */
export function compileRouteSpec(spec: string): CompiledTemplate {
  const trimmed = spec.trim();
  const space = trimmed.indexOf(' ');
  const hasMethod = space > 0 && !trimmed.startsWith('/');
  const method = hasMethod ? trimmed.slice(0, space).toUpperCase() : '*';
  const template = (hasMethod ? trimmed.slice(space + 1) : trimmed).trim();
  if (!template.startsWith('/')) throw new Error(`"${spec}" is not a route: expected "METHOD /path" or "/path"`);
  if (method !== '*' && !/^[A-Z]+$/.test(method)) throw new Error(`"${spec}" has an invalid method "${method}"`);
  return { method, template, regex: templateRegex(template) };
}

function templateRegex(template: string): RegExp {
  let source = '';
  // `{name}` is one segment; `{name:regex}` is the given regex (which may span segments).
  const token = /\{([A-Za-z_$][\w$]*)(?::((?:[^{}]|\{[^{}]*\})+))?\}/g;
  let last = 0;
  for (let m = token.exec(template); m; m = token.exec(template)) {
    source += escapeRegex(template.slice(last, m.index));
    source += m[2] ? `(?:${m[2]})` : '[^/]+';
    last = m.index + m[0].length;
  }
  source += escapeRegex(template.slice(last));
  return new RegExp(`^${source}/?$`);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Path of a request target without its query. */
export function pathOf(url: string): string {
  const q = url.search(/[?#]/);
  return q < 0 ? url : url.slice(0, q);
}

/** A set of routes chosen for cutover; matches route keys and paths. */
export interface RouteSelection {
  /** The templates as given, for matching. */
  templates: string[];
  selects(method: string, url: string): boolean;
}

export function createRouteSelection(specs: string[]): RouteSelection {
  const compiled = specs.map(compileRouteSpec);
  return {
    templates: specs,
    selects(method, url) {
      if (compiled.length === 0) return false;
      const upper = method.toUpperCase();
      const path = pathOf(url);
      for (const t of compiled) {
        if ((t.method === '*' || t.method === upper) && t.regex.test(path)) return true;
      }
      return false;
    },
  };
}
