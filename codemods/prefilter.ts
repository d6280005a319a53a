/**
 * The cheap test that runs before any parser: a file that never mentions
 * express cannot hold Express code the per-file transforms can prove, so it
 * is skipped without parsing. Files that reach Express only through another
 * module (a route module handed `router` by its caller) carry no marker;
 * the project pass names those, and the runner processes them regardless.
 */

/** True when the text may involve Express (module name, types, or an earlier todo marker). */
export function mentionsExpress(text: string): boolean {
  return text.includes('express') || text.includes('Express');
}

/** True when the file imports or requires the express module itself: a seed for the project pass. */
export function importsExpress(text: string): boolean {
  return IMPORTS_EXPRESS.test(text);
}

const IMPORTS_EXPRESS = /(?:from\s*|require\s*\(\s*|import\s*\(\s*|import\s+)['"](?:express|express5)(?:\/[^'"]*)?['"]/;

/** Git's heuristic: a NUL byte in the first 8,000 bytes means binary. */
export function looksBinary(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, 8000);
  for (let i = 0; i < end; i++) if (bytes[i] === 0) return true;
  return false;
}
