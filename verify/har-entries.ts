/**
 * Streams the elements of `log.entries` out of a HAR document without
 * parsing the whole document: HAR exports with response bodies reach
 * gigabytes. A small state machine follows strings, escapes and nesting;
 * each element of the entries array is cut out as text and parsed alone, so
 * memory holds one entry at a time.
 */
import { createReadStream } from 'node:fs';

export type HarEntryText = { index: number; text: string };

/** Keys longer than this are not tracked (only "log" and "entries" matter). */
const MAX_KEY = 32;

export async function* harEntryTexts(path: string): AsyncGenerator<HarEntryText, { foundEntries: boolean }> {
  /** Key that opened each container on the stack; undefined for array elements and the root. */
  const stack: Array<string | undefined> = [];
  let inString = false;
  let escaped = false;
  let stringText = '';
  let lastString = '';
  let pendingKey: string | undefined;
  let lastSignificant = '';
  let foundEntries = false;
  let inEntries = false;
  let capture: string[] | undefined;
  let captureFrom = 0;
  let index = 0;

  for await (const chunk of createReadStream(path, { encoding: 'utf8' }) as AsyncIterable<string>) {
    captureFrom = 0;
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (ch === '\\') escaped = true;
        else if (ch === '"') {
          inString = false;
          lastString = stringText;
          lastSignificant = '"';
        } else if (stringText.length < MAX_KEY) stringText += ch;
        continue;
      }
      switch (ch) {
        case '"':
          inString = true;
          stringText = '';
          break;
        case ':':
          pendingKey = lastString;
          lastSignificant = ch;
          break;
        case '{':
        case '[': {
          const key = lastSignificant === ':' ? pendingKey : undefined;
          if (ch === '{' && inEntries && stack.length === 3 && !capture) {
            capture = [];
            captureFrom = i;
          }
          stack.push(key);
          if (ch === '[' && stack.length === 3 && key === 'entries' && stack[1] === 'log') {
            inEntries = true;
            foundEntries = true;
          }
          lastSignificant = ch;
          break;
        }
        case '}':
        case ']':
          stack.pop();
          if (ch === ']' && inEntries && stack.length === 2) inEntries = false;
          if (ch === '}' && capture && stack.length === 3) {
            capture.push(chunk.slice(captureFrom, i + 1));
            yield { index: index++, text: capture.join('') };
            capture = undefined;
          }
          lastSignificant = ch;
          break;
        default:
          if (ch !== ' ' && ch !== '\n' && ch !== '\r' && ch !== '\t' && ch !== '\uFEFF') lastSignificant = ch;
      }
    }
    if (capture) capture.push(chunk.slice(captureFrom));
  }
  return { foundEntries };
}
