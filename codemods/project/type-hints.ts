/**
 * The TypeScript half of "prove it is Express": names imported from a local
 * module that the type checker traces back to Express's own declarations
 * (`import type { Req } from './types'` where types.ts re-exports or aliases
 * express's Request). Files importing straight from 'express' need no hint;
 * the per-file transform sees those imports itself.
 */
import type { Node, SourceFile } from 'ts-morph';
import type { TypeHint } from './hints.js';
import type { TsMorph } from './ts-morph.js';

const EXPRESS_DECLARATIONS = /[\\/]node_modules[\\/](?:@types[\\/](?:express|express-serve-static-core)|express5?)[\\/]/;

export function typeHintsIn(m: TsMorph, sf: SourceFile): TypeHint[] {
  const hints: TypeHint[] = [];
  for (const imp of sf.getImportDeclarations()) {
    const spec = imp.getModuleSpecifierValue();
    if (!spec.startsWith('.')) continue;
    for (const named of imp.getNamedImports()) {
      const local = named.getAliasNode() ?? named.getNameNode();
      const expressType = expressTypeOf(m, local, 0);
      if (expressType) hints.push({ file: sf.getFilePath(), localName: local.getText(), expressType, line: named.getStartLineNumber() });
    }
  }
  return hints;
}

function expressTypeOf(m: TsMorph, name: Node, depth: number): string | null {
  if (depth > 4) return null;
  let symbol = name.getSymbol();
  if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
  const decl = symbol?.getDeclarations()[0];
  if (!symbol || !decl) return null;
  if (EXPRESS_DECLARATIONS.test(decl.getSourceFile().getFilePath())) return symbol.getName();
  // `export type Req = Request` (or express.Request) in a local types module
  if (m.Node.isTypeAliasDeclaration(decl)) {
    const typeNode = decl.getTypeNode();
    if (typeNode && m.Node.isTypeReference(typeNode)) {
      const typeName = typeNode.getTypeName();
      const last = m.Node.isQualifiedName(typeName) ? typeName.getRight() : typeName;
      return expressTypeOf(m, last, depth + 1);
    }
  }
  return null;
}
