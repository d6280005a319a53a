/** `// expressway-todo: <reason>` above what stays on Express, once (a second run adds nothing). */
import type { ASTPath } from 'jscodeshift';
import type { FileContext } from './context.js';

export const TODO_PREFIX = 'expressway-todo:';

export function addTodoComment(fc: FileContext, stmt: ASTPath<any>, reason: string): void {
  const node = stmt.node;
  const text = ` ${TODO_PREFIX} ${reason}`;
  const comments = (node.comments ??= []);
  if (comments.some((c: any) => typeof c.value === 'string' && c.value.includes(TODO_PREFIX))) return;
  comments.push(fc.j.commentLine(text, true, false));
  fc.changed = true;
}

export function hasTodoComment(node: any): boolean {
  return (node.comments ?? []).some((c: any) => typeof c.value === 'string' && c.value.includes(TODO_PREFIX));
}
