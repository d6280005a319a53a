/**
 * Vary as Express's res.vary (the `vary` package) writes it: a field is
 * added once, case-insensitively, keeping the existing spelling and order;
 * `*` absorbs everything. res.format adds `Accept` this way, so a request
 * that negotiates twice (a route's 406, then the error handler's own
 * res.format) still answers one `Vary: Accept`.
 */

/** The header `current` with `field` added unless already listed. */
export function appendVary(current: string, field: string): string {
  if (current === '*') return current;
  const listed = splitTokens(current.toLowerCase());
  const fields = splitTokens(field);
  if (fields.includes('*') || listed.includes('*')) return '*';
  let value = current;
  for (const f of fields) {
    const lower = f.toLowerCase();
    if (listed.includes(lower)) continue;
    listed.push(lower);
    value = value ? `${value}, ${f}` : f;
  }
  return value;
}

/** Comma-separated tokens with the spaces (only spaces, as vary) around them dropped; '' gives ['']. */
function splitTokens(header: string): string[] {
  return header.split(',').map((token) => token.replace(/^ +| +$/g, ''));
}
