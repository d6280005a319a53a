/**
 * Import tracing, the JavaScript half of "prove it is Express": which local
 * names in a file are bound to the express module, its Router factory and
 * its types, and which variables and parameters are therefore an Express app
 * or router. TypeScript parameters count when their declared type is one of
 * Express's own (`app: Express`, `router: express.Router`).
 */
import type { Node, SourceFile, Symbol as MorphSymbol } from 'ts-morph';
import type { TsMorph } from './ts-morph.js';

export const EXPRESS_MODULES = new Set(['express', 'express5']);
const APP_TYPES = new Set(['Express', 'Application']);
const ROUTER_TYPES = new Set(['Router', 'IRouter']);

export type ReceiverKind = 'app' | 'router';

export interface ExpressNames {
  modules: Set<string>;
  routerFactories: Set<string>;
  /** Local type name -> name exported by express. */
  types: Map<string, string>;
}

export function expressNamesIn(m: TsMorph, sf: SourceFile): ExpressNames {
  const names: ExpressNames = { modules: new Set(), routerFactories: new Set(), types: new Map() };
  for (const imp of sf.getImportDeclarations()) {
    if (!EXPRESS_MODULES.has(imp.getModuleSpecifierValue())) continue;
    const def = imp.getDefaultImport();
    if (def) names.modules.add(def.getText());
    const ns = imp.getNamespaceImport();
    if (ns) names.modules.add(ns.getText());
    for (const named of imp.getNamedImports()) {
      const imported = named.getName();
      const local = named.getAliasNode()?.getText() ?? imported;
      if (imported === 'Router') names.routerFactories.add(local);
      else if (imported === 'default') names.modules.add(local);
      else names.types.set(local, imported);
    }
  }
  for (const decl of sf.getDescendantsOfKind(m.SyntaxKind.VariableDeclaration)) {
    if (!isRequireOf(m, decl.getInitializer(), EXPRESS_MODULES)) continue;
    const nameNode = decl.getNameNode();
    if (m.Node.isIdentifier(nameNode)) names.modules.add(nameNode.getText());
    else if (m.Node.isObjectBindingPattern(nameNode)) {
      for (const el of nameNode.getElements()) {
        if ((el.getPropertyNameNode()?.getText() ?? el.getName()) === 'Router') names.routerFactories.add(el.getName());
      }
    }
  }
  for (const eq of sf.getDescendantsOfKind(m.SyntaxKind.ImportEqualsDeclaration)) {
    const ref = eq.getModuleReference();
    if (m.Node.isExternalModuleReference(ref) && EXPRESS_MODULES.has(ref.getExpression()?.getText().slice(1, -1) ?? '')) {
      names.modules.add(eq.getName());
    }
  }
  return names;
}

export function isRequireOf(m: TsMorph, node: Node | undefined, modules?: Set<string>): boolean {
  if (!node || !m.Node.isCallExpression(node)) return false;
  const callee = node.getExpression();
  const [arg] = node.getArguments();
  return m.Node.isIdentifier(callee) && callee.getText() === 'require' && node.getArguments().length === 1
    && m.Node.isStringLiteral(arg) && (modules === undefined || modules.has(arg.getLiteralValue()));
}

/** What a call like `express()`, `express.Router()` or `Router()` creates, if anything. */
export function createdReceiver(m: TsMorph, node: Node | undefined, names: ExpressNames): ReceiverKind | null {
  if (!node) return null;
  if (m.Node.isAwaitExpression(node) || m.Node.isParenthesizedExpression(node) || m.Node.isAsExpression(node)) {
    return createdReceiver(m, node.getExpression(), names);
  }
  if (!m.Node.isCallExpression(node) && !m.Node.isNewExpression(node)) return null;
  const callee = node.getExpression();
  if (m.Node.isIdentifier(callee)) {
    if (names.modules.has(callee.getText())) return 'app';
    if (names.routerFactories.has(callee.getText())) return 'router';
  }
  if (m.Node.isPropertyAccessExpression(callee) && callee.getName() === 'Router'
    && m.Node.isIdentifier(callee.getExpression()) && names.modules.has(callee.getExpression().getText())) return 'router';
  return null;
}

/** The Express receiver a declared TypeScript type names: `Express`, `express.Router`, ... */
export function typedReceiver(m: TsMorph, typeNode: Node | undefined, names: ExpressNames): ReceiverKind | null {
  if (!typeNode || !m.Node.isTypeReference(typeNode)) return null;
  const typeName = typeNode.getTypeName();
  let exported: string | undefined;
  if (m.Node.isIdentifier(typeName)) exported = names.types.get(typeName.getText()) ?? (names.routerFactories.has(typeName.getText()) ? 'Router' : undefined);
  else if (m.Node.isQualifiedName(typeName) && names.modules.has(typeName.getLeft().getText())) exported = typeName.getRight().getText();
  if (exported && APP_TYPES.has(exported)) return 'app';
  if (exported && ROUTER_TYPES.has(exported)) return 'router';
  return null;
}

/** Identity of a symbol across ts-morph wrappers. */
export function symbolKey(symbol: MorphSymbol | undefined): object | undefined {
  return symbol?.compilerSymbol;
}

/** Variables created by express()/Router() and parameters typed as Express app/router, by symbol. */
export function receiversIn(m: TsMorph, sf: SourceFile, names: ExpressNames): Map<object, ReceiverKind> {
  const found = new Map<object, ReceiverKind>();
  for (const decl of sf.getDescendantsOfKind(m.SyntaxKind.VariableDeclaration)) {
    const kind = createdReceiver(m, decl.getInitializer(), names) ?? typedReceiver(m, decl.getTypeNode(), names);
    const key = symbolKey(decl.getSymbol());
    if (kind && key) found.set(key, kind);
  }
  if (names.types.size > 0 || names.modules.size > 0) {
    for (const param of sf.getDescendantsOfKind(m.SyntaxKind.Parameter)) {
      const kind = typedReceiver(m, param.getTypeNode(), names);
      const key = symbolKey(param.getSymbol());
      if (kind && key) found.set(key, kind);
    }
  }
  return found;
}
