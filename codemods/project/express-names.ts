/**
 * Import tracing, the JavaScript half of "prove it is Express": which local
 * names in a file are bound to the express module, its Router factory and
 * its types, and which variables and parameters are therefore an Express app
 * or router. TypeScript parameters and variables count when their declared
 * type is one of Express's own (`app: Express`, `router: express.Router`).
 */
import type { ts } from 'ts-morph';
import type { TS } from './ts-morph.js';

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

export function expressNamesIn(ts: TS, sf: ts.SourceFile): ExpressNames {
  const names: ExpressNames = { modules: new Set(), routerFactories: new Set(), types: new Map() };
  for (const statement of sf.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier) && EXPRESS_MODULES.has(statement.moduleSpecifier.text)) {
      addImportClause(ts, statement.importClause, names);
    } else if (ts.isVariableStatement(statement)) {
      for (const decl of statement.declarationList.declarations) {
        if (requiredModule(ts, decl.initializer) === null || !EXPRESS_MODULES.has(requiredModule(ts, decl.initializer)!)) continue;
        if (ts.isIdentifier(decl.name)) names.modules.add(decl.name.text);
        else if (ts.isObjectBindingPattern(decl.name)) {
          for (const el of decl.name.elements) {
            const imported = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : ts.isIdentifier(el.name) ? el.name.text : '';
            if (imported === 'Router' && ts.isIdentifier(el.name)) names.routerFactories.add(el.name.text);
          }
        }
      }
    } else if (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference)
      && ts.isStringLiteral(statement.moduleReference.expression) && EXPRESS_MODULES.has(statement.moduleReference.expression.text)) {
      names.modules.add(statement.name.text);
    }
  }
  return names;
}

function addImportClause(ts: TS, clause: ts.ImportClause | undefined, names: ExpressNames): void {
  if (!clause) return;
  if (clause.name) names.modules.add(clause.name.text);
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) names.modules.add(bindings.name.text);
  if (bindings && ts.isNamedImports(bindings)) {
    for (const el of bindings.elements) {
      const imported = (el.propertyName ?? el.name).text;
      if (imported === 'Router') names.routerFactories.add(el.name.text);
      else if (imported === 'default') names.modules.add(el.name.text);
      else names.types.set(el.name.text, imported);
    }
  }
}

/** The specifier of `require('x')`, or null when the node is not such a call. */
export function requiredModule(ts: TS, node: ts.Node | undefined): string | null {
  if (!node || !ts.isCallExpression(node) || !ts.isIdentifier(node.expression) || node.expression.text !== 'require') return null;
  const [arg] = node.arguments;
  return node.arguments.length === 1 && ts.isStringLiteralLike(arg) ? arg.text : null;
}

/** What a call like `express()`, `express.Router()` or `Router()` creates, if anything. */
export function createdReceiver(ts: TS, node: ts.Node | undefined, names: ExpressNames): ReceiverKind | null {
  if (!node) return null;
  if (ts.isAwaitExpression(node) || ts.isParenthesizedExpression(node) || ts.isAsExpression(node)) return createdReceiver(ts, node.expression, names);
  if (!ts.isCallExpression(node) && !ts.isNewExpression(node)) return null;
  const callee = node.expression;
  if (ts.isIdentifier(callee)) {
    if (names.modules.has(callee.text)) return 'app';
    if (names.routerFactories.has(callee.text)) return 'router';
  }
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'Router'
    && ts.isIdentifier(callee.expression) && names.modules.has(callee.expression.text)) return 'router';
  return null;
}

/** The Express receiver a declared TypeScript type names: `Express`, `express.Router`, ... */
export function typedReceiver(ts: TS, typeNode: ts.TypeNode | undefined, names: ExpressNames): ReceiverKind | null {
  if (!typeNode || !ts.isTypeReferenceNode(typeNode)) return null;
  const typeName = typeNode.typeName;
  let exported: string | undefined;
  if (ts.isIdentifier(typeName)) exported = names.types.get(typeName.text) ?? (names.routerFactories.has(typeName.text) ? 'Router' : undefined);
  else if (ts.isIdentifier(typeName.left) && names.modules.has(typeName.left.text)) exported = typeName.right.text;
  if (exported && APP_TYPES.has(exported)) return 'app';
  if (exported && ROUTER_TYPES.has(exported)) return 'router';
  return null;
}
