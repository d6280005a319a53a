/**
 * `const { post, params: p } = req;` -> `const post = req.post, p = req.params;`
 * before the request members are translated, so each read becomes what
 * `req.<name>` becomes (ctx.state.post, ctx.params...). The same reads in
 * the same order: destructuring gets each property once, left to right.
 * Only plain names (no default, no nested pattern, no rest, no type
 * annotation on the pattern); anything else is left for the usual checks,
 * which keep the handler on Express ("passed around as a value").
 */
import type { ASTPath } from 'jscodeshift';
import { isStringLiteral, refsOf } from './ast-utils.js';
import type { HandlerEnv } from './handler-env.js';

export function spreadRequestDestructuring(env: HandlerEnv, fn: ASTPath<any>, req: string): void {
  const { j } = env.fc;
  for (const ref of refsOf(j, fn, req)) {
    const declarator = ref.parent;
    if (declarator?.node.type !== 'VariableDeclarator' || declarator.node.init !== ref.node) continue;
    const pattern = declarator.node.id;
    if (pattern.type !== 'ObjectPattern' || pattern.typeAnnotation) continue;
    const reads = pattern.properties.map(plainRead);
    if (reads.some((r: PlainRead | null) => r === null)) continue;
    const declarators = (reads as PlainRead[]).map((r) => j.variableDeclarator(j.identifier(r.local), j.memberExpression(j.identifier(req), j.identifier(r.key))));
    const list = declarator.parent.node.declarations as any[];
    list.splice(list.indexOf(declarator.node), 1, ...declarators);
  }
}

interface PlainRead { key: string; local: string }

function plainRead(prop: any): PlainRead | null {
  if ((prop.type !== 'Property' && prop.type !== 'ObjectProperty') || prop.computed) return null;
  const key = prop.key.type === 'Identifier' ? prop.key.name : isStringLiteral(prop.key) ? prop.key.value : null;
  if (key === null || !/^[A-Za-z_$][\w$]*$/.test(key) || prop.value?.type !== 'Identifier' || prop.value.typeAnnotation) return null;
  return { key, local: prop.value.name };
}
