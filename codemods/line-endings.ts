/**
 * Transforms see one text shape: no BOM, LF line endings. The runner records
 * what the file had and restores it on output, so a CRLF file stays CRLF and
 * a BOM survives (an old expressjs/codemod rewrote 804 untouched files from
 * LF to CRLF; we only ever touch files whose content changed).
 */
const BOM = '\uFEFF';

export interface TextShape {
  bom: boolean;
  eol: '\n' | '\r\n';
}

export function detectShape(text: string): TextShape {
  const bom = text.startsWith(BOM);
  const crlf = countOf(text, '\r\n');
  const lf = countOf(text, '\n') - crlf;
  // Mixed files take the majority ending; ties go to LF, the transforms' own.
  return { bom, eol: crlf > lf ? '\r\n' : '\n' };
}

/** The text a transform should see: BOM removed, CRLF turned into LF. */
export function normalise(text: string, shape: TextShape): string {
  const body = shape.bom ? text.slice(BOM.length) : text;
  return shape.eol === '\r\n' ? body.replace(/\r\n/g, '\n') : body;
}

/** The transform's LF output back in the file's own shape. */
export function restore(text: string, shape: TextShape): string {
  const body = shape.eol === '\r\n' ? text.replace(/\r?\n/g, '\r\n') : text;
  return shape.bom ? BOM + body : body;
}

function countOf(text: string, needle: string): number {
  let count = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) count++;
  return count;
}
