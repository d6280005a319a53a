/**
 * From a reference (`users.list`, `show`, `require('./mw')`) to the function
 * or value it names in another file, through imports, re-exports, CommonJS
 * `exports.x =`, `module.exports = {...}` and shorthand properties.
 */
import type { Node, SourceFile, Symbol as MorphSymbol } from 'ts-morph';
import { resolveRelative } from './resolve-module.js';
import { isRequireOf } from './express-names.js';
import type { TsMorph } from './ts-morph.js';

export interface Definition {
  /** The node that holds the value: a function, or the declaration of a variable. */
  node: Node;
  /** Local name of the function, variable or property. */
  name: string | null;
}

const MAX_HOPS = 8;

export function definitionOf(m: TsMorph, ref: Node): Definition | null {
  let symbol: MorphSymbol | undefined = ref.getSymbol();
  if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
  const decl = symbol?.getDeclarations()[0];
  return decl ? valueOf(m, decl, 0) : null;
}

/** The definition a module's default export (ESM default, or CommonJS module.exports) holds. */
export function moduleDefault(m: TsMorph, sf: SourceFile): Definition | null {
  for (const statement of sf.getStatements()) {
    if (m.Node.isExportAssignment(statement)) return valueOf(m, statement.getExpression(), 0);
    if ((m.Node.isFunctionDeclaration(statement) || m.Node.isClassDeclaration(statement)) && statement.isDefaultExport()) {
      return { node: statement, name: statement.getName() ?? null };
    }
    if (m.Node.isExpressionStatement(statement)) {
      const expr = statement.getExpression();
      if (m.Node.isBinaryExpression(expr) && expr.getOperatorToken().getText() === '=' && expr.getLeft().getText() === 'module.exports') {
        return valueOf(m, expr.getRight(), 0);
      }
    }
  }
  return null;
}

/** The module a `require('./x')` call loads, when it is a relative file the project can add. */
export function requiredFile(m: TsMorph, node: Node): SourceFile | null {
  if (!isRequireOf(m, node) || !m.Node.isCallExpression(node)) return null;
  const spec = node.getArguments()[0];
  if (!m.Node.isStringLiteral(spec)) return null;
  const path = resolveRelative(node.getSourceFile().getFilePath(), spec.getLiteralValue());
  return path ? node.getProject().addSourceFileAtPathIfExists(path) ?? null : null;
}

function valueOf(m: TsMorph, node: Node, hops: number): Definition | null {
  if (hops > MAX_HOPS) return null;
  const N = m.Node;
  if (N.isFunctionDeclaration(node) || N.isMethodDeclaration(node)) return { node, name: node.getName() ?? null };
  if (N.isFunctionExpression(node) || N.isArrowFunction(node)) return { node, name: nameAround(m, node) };
  if (N.isParenthesizedExpression(node) || N.isAsExpression(node)) return valueOf(m, node.getExpression(), hops + 1);
  if (N.isVariableDeclaration(node)) {
    const init = node.getInitializer();
    if (init && (N.isFunctionExpression(init) || N.isArrowFunction(init))) return { node: init, name: node.getName() };
    if (init && N.isIdentifier(init)) return follow(m, init, hops);
    if (init && isRequireOf(m, init)) {
      const sf = requiredFile(m, init);
      return sf ? moduleDefault(m, sf) : null;
    }
    return { node, name: node.getName() };
  }
  if (N.isPropertyAssignment(node)) {
    const init = node.getInitializer();
    return init ? valueOf(m, init, hops + 1) : null;
  }
  if (N.isShorthandPropertyAssignment(node)) {
    const decl = node.getProject().getTypeChecker().getShorthandAssignmentValueSymbol(node)?.getDeclarations()[0];
    return decl ? valueOf(m, decl, hops + 1) : null;
  }
  if (N.isPropertyAccessExpression(node) || N.isIdentifier(node)) {
    const parent = node.getParent();
    if (parent && N.isBinaryExpression(parent) && parent.getLeft() === node) return valueOf(m, parent.getRight(), hops + 1);
    if (N.isIdentifier(node)) return follow(m, node, hops);
  }
  if (N.isBinaryExpression(node)) return valueOf(m, node.getRight(), hops + 1);
  if (N.isImportSpecifier(node) || N.isImportClause(node) || N.isBindingElement(node) || N.isExportSpecifier(node)) {
    let symbol = node.getSymbol();
    if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
    const decl = symbol?.getDeclarations()[0];
    return decl && decl !== node ? valueOf(m, decl, hops + 1) : null;
  }
  if (N.isExportAssignment(node)) return valueOf(m, node.getExpression(), hops + 1);
  if (N.isCallExpression(node) && isRequireOf(m, node)) {
    const sf = requiredFile(m, node);
    return sf ? moduleDefault(m, sf) : null;
  }
  if (N.isCallExpression(node) || N.isNewExpression(node)) return { node, name: null };
  return null;
}

function follow(m: TsMorph, identifier: Node, hops: number): Definition | null {
  let symbol = identifier.getSymbol();
  if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
  const decl = symbol?.getDeclarations()[0];
  if (!decl || decl === identifier) return null;
  return valueOf(m, decl, hops + 1);
}

function nameAround(m: TsMorph, fn: Node): string | null {
  const parent = fn.getParent();
  if (!parent) return null;
  if (m.Node.isVariableDeclaration(parent) || m.Node.isPropertyAssignment(parent)) return parent.getName();
  if (m.Node.isBinaryExpression(parent)) {
    const left = parent.getLeft();
    if (left.getText() === 'module.exports') return null;
    if (m.Node.isPropertyAccessExpression(left)) return left.getName();
    if (m.Node.isIdentifier(left)) return left.getText();
  }
  return null;
}
