/**
 * Import tracing without a type checker. Each module is parsed once, on
 * demand, with the TypeScript parser; its top-level bindings (imports,
 * requires, declarations) and exports (ESM exports, `exports.x =`,
 * `module.exports = ...`) are tabled, and a reference is followed through
 * them to the function or value it names. Only the modules a registration
 * actually reaches are parsed: services and utilities that are only called,
 * never registered, are not loaded. (Building a program and binding it cost
 * about 7 s of CPU on the 1,000-file bench corpus; this costs a fraction.)
 */
import { readFileSync } from 'node:fs';
import type { ts } from 'ts-morph';
import { requiredModule } from './express-names.js';
import { createModuleResolver } from './resolve-module.js';
import type { TS } from './ts-morph.js';

export interface Definition {
  /** A function, a variable declaration, or the call that creates the value. */
  node: ts.Node;
  /** Local name of the function, variable or property. */
  name: string | null;
  module: ModuleInfo;
}

type Binding =
  | { kind: 'local'; node: ts.Node }
  | { kind: 'import'; file: string | null; spec: string; name: string }; // name: 'default', '*' (whole module) or an export

export interface ModuleInfo {
  file: string;
  sf: ts.SourceFile;
  bindings: Map<string, Binding>;
  /** Named exports and 'default' (ESM default, or CommonJS module.exports). */
  exports: Map<string, ts.Node>;
  /** `export * from './x'` targets. */
  starFrom: string[];
  /** `export { a as b } from './x'`: b -> { file, spec, name: a }. */
  reexports: Map<string, { file: string | null; spec: string; name: string }>;
}

const MAX_HOPS = 10;

export class ModuleGraph {
  private readonly modules = new Map<string, ModuleInfo | null>();
  /** Relative specifiers to files, memoised for this pass. */
  readonly resolveSpecifier = createModuleResolver();

  constructor(readonly ts: TS) {}

  get(file: string): ModuleInfo | null {
    if (this.modules.has(file)) return this.modules.get(file)!;
    let info: ModuleInfo | null = null;
    try {
      info = this.build(file, readFileSync(file, 'utf8'));
    } catch {
      info = null; // unreadable: nothing to trace through
    }
    this.modules.set(file, info);
    return info;
  }

  /** Parse from text the caller already holds (the runner read the seeds). */
  add(file: string, text: string): ModuleInfo {
    const info = this.build(file, text);
    this.modules.set(file, info);
    return info;
  }

  get size(): number {
    return this.modules.size;
  }

  /** The function or value a reference (`show`, `users.list`, `require('./x')`) names. */
  resolve(module: ModuleInfo, ref: ts.Node, hops = 0): Definition | null {
    const { ts } = this;
    if (hops > MAX_HOPS) return null;
    if (ts.isParenthesizedExpression(ref) || ts.isAsExpression(ref)) return this.resolve(module, ref.expression, hops + 1);
    if (ts.isIdentifier(ref)) {
      const binding = module.bindings.get(ref.text);
      if (!binding) return null;
      if (binding.kind === 'local') return this.valueOf(module, binding.node, hops + 1);
      return this.exportOf(binding.file, binding.name, hops + 1);
    }
    if (ts.isPropertyAccessExpression(ref)) {
      const property = ref.name.text;
      if (requiredModule(this.ts, ref.expression) !== null) return this.exportOf(this.requiredPath(module, ref.expression), property, hops + 1);
      if (!ts.isIdentifier(ref.expression)) return null;
      const binding = module.bindings.get(ref.expression.text);
      if (binding?.kind === 'import' && binding.name === '*') return this.exportOf(binding.file, property, hops + 1);
      const base = this.resolve(module, ref.expression, hops + 1);
      return base ? this.propertyOf(base, property, hops + 1) : null;
    }
    if (requiredModule(this.ts, ref) !== null) return this.exportOf(this.requiredPath(module, ref), 'default', hops + 1);
    return null;
  }

  /** What a module exports under a name ('default' = ESM default or CommonJS module.exports). */
  exportOf(file: string | null, name: string, hops = 0): Definition | null {
    if (!file || hops > MAX_HOPS) return null;
    const module = this.get(file);
    if (!module) return null;
    if (name === '*') name = 'default';
    const node = module.exports.get(name);
    if (node) return this.valueOf(module, node, hops + 1, name === 'default' ? null : name);
    const re = module.reexports.get(name);
    if (re) return this.exportOf(re.file, re.name, hops + 1);
    // CommonJS: `module.exports = { list }` also answers require('./x').list
    const whole = module.exports.get('default');
    if (whole && name !== 'default') {
      const base = this.valueOf(module, whole, hops + 1);
      const prop = base ? this.propertyOf(base, name, hops + 1) : null;
      if (prop) return prop;
    }
    for (const from of module.starFrom) {
      const found = this.exportOf(from, name, hops + 1);
      if (found) return found;
    }
    return null;
  }

  private propertyOf(base: Definition, property: string, hops: number): Definition | null {
    const { ts } = this;
    const object = ts.isVariableDeclaration(base.node) ? base.node.initializer : base.node;
    if (!object || !ts.isObjectLiteralExpression(object)) return null;
    for (const prop of object.properties) {
      const key = prop.name && (ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name)) ? prop.name.text : null;
      if (key !== property) continue;
      if (ts.isPropertyAssignment(prop)) return this.valueOf(base.module, prop.initializer, hops + 1, key);
      if (ts.isShorthandPropertyAssignment(prop)) return this.resolve(base.module, prop.name, hops + 1);
      if (ts.isMethodDeclaration(prop)) return { node: prop, name: key, module: base.module };
    }
    return null;
  }

  valueOf(module: ModuleInfo, node: ts.Node, hops: number, name: string | null = null): Definition | null {
    const { ts } = this;
    if (hops > MAX_HOPS) return null;
    if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isClassDeclaration(node)) {
      return { node, name: node.name && ts.isIdentifier(node.name) ? node.name.text : name, module };
    }
    if (ts.isFunctionExpression(node) || ts.isArrowFunction(node)) {
      return { node, name: (ts.isFunctionExpression(node) ? node.name?.text : undefined) ?? name, module };
    }
    if (ts.isVariableDeclaration(node)) {
      const varName = ts.isIdentifier(node.name) ? node.name.text : null;
      const init = node.initializer;
      if (!init) return null;
      if (ts.isFunctionExpression(init) || ts.isArrowFunction(init)) return { node: init, name: varName, module };
      if (ts.isIdentifier(init) || ts.isPropertyAccessExpression(init) || requiredModule(this.ts, init) !== null) return this.resolve(module, init, hops + 1);
      return { node, name: varName, module };
    }
    if (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node) || ts.isParenthesizedExpression(node) || ts.isAsExpression(node)) {
      return this.resolve(module, node, hops + 1);
    }
    if (ts.isCallExpression(node) && requiredModule(this.ts, node) !== null) return this.resolve(module, node, hops + 1);
    if (ts.isCallExpression(node) || ts.isNewExpression(node) || ts.isObjectLiteralExpression(node)) return { node, name, module };
    return null;
  }

  requiredPath(module: ModuleInfo, call: ts.Node): string | null {
    const spec = requiredModule(this.ts, call);
    return spec === null ? null : this.resolveSpecifier(module.file, spec);
  }

  private build(file: string, text: string): ModuleInfo {
    const { ts } = this;
    const kind = /\.tsx$/.test(file) ? ts.ScriptKind.TSX : /\.[mc]?ts$/.test(file) ? ts.ScriptKind.TS : /\.jsx$/.test(file) ? ts.ScriptKind.JSX : ts.ScriptKind.JS;
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
    const info: ModuleInfo = { file, sf, bindings: new Map(), exports: new Map(), starFrom: [], reexports: new Map() };
    const at = (spec: string): string | null => this.resolveSpecifier(file, spec);
    for (const st of sf.statements) {
      if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
        const from = at(st.moduleSpecifier.text);
        const clause = st.importClause;
        const spec = st.moduleSpecifier.text;
        if (clause?.name) info.bindings.set(clause.name.text, { kind: 'import', file: from, spec, name: 'default' });
        const nb = clause?.namedBindings;
        if (nb && ts.isNamespaceImport(nb)) info.bindings.set(nb.name.text, { kind: 'import', file: from, spec, name: '*' });
        if (nb && ts.isNamedImports(nb)) for (const el of nb.elements) info.bindings.set(el.name.text, { kind: 'import', file: from, spec, name: (el.propertyName ?? el.name).text });
      } else if (ts.isVariableStatement(st)) {
        const exported = hasModifier(ts, st, ts.SyntaxKind.ExportKeyword);
        for (const decl of st.declarationList.declarations) this.bindDeclaration(info, decl, exported, at);
      } else if (ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isInterfaceDeclaration(st)) {
        if (st.name) info.bindings.set(st.name.text, { kind: 'local', node: st });
        if (hasModifier(ts, st, ts.SyntaxKind.ExportKeyword)) {
          info.exports.set(hasModifier(ts, st, ts.SyntaxKind.DefaultKeyword) ? 'default' : st.name?.text ?? 'default', st);
        }
      } else if (ts.isExportAssignment(st)) {
        info.exports.set('default', st.expression);
      } else if (ts.isExportDeclaration(st)) {
        const spec = st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : undefined;
        const from = spec === undefined ? undefined : at(spec);
        if (!st.exportClause) { if (from) info.starFrom.push(from); continue; }
        if (!ts.isNamedExports(st.exportClause)) continue;
        for (const el of st.exportClause.elements) {
          const local = (el.propertyName ?? el.name).text;
          if (spec !== undefined) info.reexports.set(el.name.text, { file: from ?? null, spec, name: local });
          else info.exports.set(el.name.text, el.propertyName ?? el.name);
        }
      } else if (ts.isExpressionStatement(st)) {
        this.bindCommonJsExport(info, st.expression);
      }
    }
    return info;
  }

  private bindDeclaration(info: ModuleInfo, decl: ts.VariableDeclaration, exported: boolean, at: (spec: string) => string | null): void {
    const { ts } = this;
    const init = decl.initializer;
    const spec = requiredModule(this.ts, init);
    if (ts.isIdentifier(decl.name)) {
      const inner = init && ts.isPropertyAccessExpression(init) ? requiredModule(this.ts, init.expression) : null;
      if (spec !== null) info.bindings.set(decl.name.text, { kind: 'import', file: at(spec), spec, name: '*' });
      else if (inner !== null && init && ts.isPropertyAccessExpression(init)) {
        info.bindings.set(decl.name.text, { kind: 'import', file: at(inner), spec: inner, name: init.name.text });
      } else info.bindings.set(decl.name.text, { kind: 'local', node: decl });
      if (exported) info.exports.set(decl.name.text, decl);
    } else if (ts.isObjectBindingPattern(decl.name) && spec !== null) {
      for (const el of decl.name.elements) {
        if (!ts.isIdentifier(el.name)) continue;
        const imported = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : el.name.text;
        info.bindings.set(el.name.text, { kind: 'import', file: at(spec), spec, name: imported });
      }
    }
  }

  /** `module.exports = X`, `module.exports.x = X`, `exports.x = X`. */
  private bindCommonJsExport(info: ModuleInfo, expr: ts.Expression): void {
    const { ts } = this;
    if (!ts.isBinaryExpression(expr) || expr.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return;
    const left = expr.left;
    if (isModuleExports(ts, left)) {
      info.exports.set('default', expr.right);
      return;
    }
    if (ts.isPropertyAccessExpression(left) && (isModuleExports(ts, left.expression) || (ts.isIdentifier(left.expression) && left.expression.text === 'exports'))) {
      info.exports.set(left.name.text, expr.right);
      // `exports.a = exports.b = fn` chains
      if (ts.isBinaryExpression(expr.right)) this.bindCommonJsExport(info, expr.right);
    }
  }
}

export function isModuleExports(ts: TS, node: ts.Node): boolean {
  return ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'module' && node.name.text === 'exports';
}

function hasModifier(ts: TS, node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
}

export function isFunctionLike(ts: TS, node: ts.Node): node is ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration {
  return ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node);
}
