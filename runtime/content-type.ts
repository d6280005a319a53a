/**
 * Just enough Content-Type handling for the body readers: the media type,
 * the charset, and type-is style matching ('json', 'application/*+json',
 * 'text/*', '*\/*').
 */

export interface ParsedContentType {
  /** Lower-case `type/subtype`, '' when the header is missing. */
  type: string;
  /** Lower-case charset parameter, undefined when absent. */
  charset: string | undefined;
}

export function parseContentType(header: string | undefined): ParsedContentType {
  if (!header) return { type: '', charset: undefined };
  const semi = header.indexOf(';');
  const type = (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase();
  let charset: string | undefined;
  if (semi !== -1) {
    const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(header.slice(semi));
    if (match) charset = match[1]!.toLowerCase();
  }
  return { type, charset };
}

const SHORTHANDS: Record<string, string> = {
  json: 'application/json',
  urlencoded: 'application/x-www-form-urlencoded',
  text: 'text/plain',
  html: 'text/html',
  form: 'application/x-www-form-urlencoded',
};

/** Expands 'json' to 'application/json' and '+json' to 'application/*+json'. */
export function normalizeTypePattern(pattern: string): string {
  const p = pattern.trim().toLowerCase();
  if (SHORTHANDS[p]) return SHORTHANDS[p]!;
  if (p.startsWith('+')) return `*/*${p}`;
  if (!p.includes('/')) return `*/${p}`;
  return p;
}

/** Does media type `type` ('application/vnd.api+json') match `pattern` ('application/*+json')? */
export function typeMatches(type: string, pattern: string): boolean {
  if (type === '') return false;
  const p = normalizeTypePattern(pattern);
  if (p === '*/*') return true;
  const [pMain, pSub] = p.split('/') as [string, string];
  const [tMain, tSub = ''] = type.split('/') as [string, string?];
  if (pMain !== '*' && pMain !== tMain) return false;
  if (pSub === '*') return true;
  if (pSub.startsWith('*+')) return tSub.endsWith(pSub.slice(1));
  return pSub === tSub;
}

export function matchesAny(type: string, patterns: readonly string[]): boolean {
  for (const p of patterns) if (typeMatches(type, p)) return true;
  return false;
}
