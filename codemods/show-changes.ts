/** `--print` and `--diff` output for changed files, coloured only when asked (a TTY). */
import { createTwoFilesPatch } from 'diff';
import { createColors } from 'picocolors';
import type { FileResult } from './runner.js';

export function renderDiff(file: FileResult, name: string, color: boolean): string {
  const c = createColors(color);
  const patch = createTwoFilesPatch(`a/${name}`, `b/${name}`, file.before ?? '', file.after ?? '', undefined, undefined, { context: 3 });
  return patch.split('\n').slice(1) // drop the "====" separator line
    .map((line) => {
      if (line.startsWith('+++') || line.startsWith('---')) return c.bold(line);
      if (line.startsWith('@@')) return c.cyan(line);
      if (line.startsWith('+')) return c.green(line);
      if (line.startsWith('-')) return c.red(line);
      return line;
    })
    .join('\n');
}

export function renderPrint(file: FileResult, name: string, color: boolean): string {
  const c = createColors(color);
  return `${c.bold(`==> ${name} <==`)}\n${file.after ?? ''}${file.after?.endsWith('\n') ? '' : '\n'}`;
}
