/**
 * The cross-file walk. Starting from the files that import express, find
 * every `app.METHOD/use(...)` and `router.METHOD/use(...)` registration and
 * every call that hands an app or router to another function; whatever those
 * reach in other files becomes a hint for that file, and the files reached
 * are walked in turn (a route module that received `router` registers its
 * own handlers, mounts its own sub-routers, ...).
 *
 * Receivers are tracked by name with lexical scopes: a function parameter
 * that is not a receiver hides an outer receiver of the same name.
 */
import type { ts } from 'ts-morph';
import { createdReceiver, expressNamesIn, requiredModule, typedReceiver, type ExpressNames, type ReceiverKind } from './express-names.js';
import type { HandlerHint, HintKind } from './hints.js';
import { paramMountBlocker } from './param-mount.js';
import { mountFallThroughBlocker } from './mount-fall-through.js';
import { isFunctionLike, type Definition, type ModuleGraph, type ModuleInfo } from './module-graph.js';
import type { TS } from './ts-morph.js';

const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'head', 'options', 'all', 'use',
  'copy', 'lock', 'mkcol', 'move', 'purge', 'propfind', 'proppatch', 'search', 'trace', 'unlock', 'report',
  'mkactivity', 'checkout', 'merge', 'notify', 'subscribe', 'unsubscribe']);

type Scope = Map<string, ReceiverKind | null>;

interface FileState {
  module: ModuleInfo;
  names: ExpressNames;
  /** Functions in this file whose parameters receive an app or router from elsewhere: fn -> param index -> kind. */
  handOffs: Map<ts.Node, Map<number, ReceiverKind>>;
}

export class RegistrationWalk {
  readonly hints: HandlerHint[] = [];
  private readonly ts: TS;
  private readonly states = new Map<string, FileState>();
  private readonly queue: string[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly graph: ModuleGraph) {
    this.ts = graph.ts;
  }

  addFile(module: ModuleInfo): void {
    this.state(module);
    this.enqueue(module.file);
  }

  run(): void {
    for (let file = this.queue.shift(); file !== undefined; file = this.queue.shift()) this.walkFile(this.states.get(file)!);
  }

  private state(module: ModuleInfo): FileState {
    let state = this.states.get(module.file);
    if (!state) {
      state = { module, names: expressNamesIn(this.ts, module.sf), handOffs: new Map() };
      this.states.set(module.file, state);
    }
    return state;
  }

  private enqueue(file: string): void {
    if (!this.queue.includes(file)) this.queue.push(file);
  }

  private walkFile(state: FileState): void {
    const { ts } = this;
    const { names } = state;
    if (names.modules.size === 0 && names.routerFactories.size === 0 && names.types.size === 0 && state.handOffs.size === 0) return;
    const scopes: Scope[] = [this.moduleScope(state)];
    const visit = (node: ts.Node): void => {
      if (isFunctionLike(ts, node)) {
        scopes.push(this.functionScope(node, state));
        ts.forEachChild(node, visit);
        scopes.pop();
        return;
      }
      if (ts.isCallExpression(node)) {
        const method = this.registrationOn(node, scopes, state);
        if (method) this.hintArguments(node, method, scopes, state);
        else this.hintReceiverHandOff(node, scopes, state);
      }
      ts.forEachChild(node, visit);
    };
    visit(state.module.sf);
  }

  private moduleScope(state: FileState): Scope {
    const { ts } = this;
    const scope: Scope = new Map();
    for (const st of state.module.sf.statements) {
      if (!ts.isVariableStatement(st)) continue;
      for (const decl of st.declarationList.declarations) {
        if (!ts.isIdentifier(decl.name)) continue;
        const kind = createdReceiver(ts, decl.initializer, state.names) ?? typedReceiver(ts, decl.type, state.names);
        if (kind) scope.set(decl.name.text, kind);
      }
    }
    return scope;
  }

  private functionScope(fn: ts.FunctionLikeDeclaration, state: FileState): Scope {
    const { ts } = this;
    const scope: Scope = new Map();
    const handOff = state.handOffs.get(fn);
    fn.parameters.forEach((param, index) => {
      if (!ts.isIdentifier(param.name)) return;
      scope.set(param.name.text, handOff?.get(index) ?? typedReceiver(ts, param.type, state.names));
    });
    if (fn.body && ts.isBlock(fn.body)) {
      for (const st of fn.body.statements) {
        if (!ts.isVariableStatement(st)) continue;
        for (const decl of st.declarationList.declarations) {
          if (ts.isIdentifier(decl.name)) scope.set(decl.name.text, createdReceiver(ts, decl.initializer, state.names) ?? typedReceiver(ts, decl.type, state.names));
        }
      }
    }
    return scope;
  }

  private lookup(name: string, scopes: Scope[]): ReceiverKind | null {
    for (let i = scopes.length - 1; i >= 0; i--) if (scopes[i].has(name)) return scopes[i].get(name) ?? null;
    return null;
  }

  /** `receiver.get(...)`, `receiver.use(...)`, `receiver.route(p).get(...)`: the method, if this is one. */
  private registrationOn(call: ts.CallExpression, scopes: Scope[], state: FileState): string | null {
    const { ts } = this;
    const callee = call.expression;
    if (!ts.isPropertyAccessExpression(callee) || !ROUTE_METHODS.has(callee.name.text)) return null;
    return this.receiverKind(callee.expression, scopes, state) ? callee.name.text : null;
  }

  private receiverKind(node: ts.Node, scopes: Scope[], state: FileState): ReceiverKind | null {
    const { ts } = this;
    if (ts.isIdentifier(node)) return this.lookup(node.text, scopes);
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      // app.route('/x').get(...) and chained registrations return the same router
      if (ts.isPropertyAccessExpression(callee) && (callee.name.text === 'route' || ROUTE_METHODS.has(callee.name.text))) {
        return this.receiverKind(callee.expression, scopes, state) ? 'router' : null;
      }
      return createdReceiver(ts, node, state.names);
    }
    return null;
  }

  private hintArguments(call: ts.CallExpression, method: string, scopes: Scope[], state: FileState): void {
    const { ts } = this;
    const args = flattenArguments(ts, call.arguments).flatMap((arg) => this.constArrayElements(arg, state) ?? [arg]);
    args.forEach((arg, index) => {
      if (!ts.isIdentifier(arg) && !ts.isPropertyAccessExpression(arg) && !ts.isCallExpression(arg)) return;
      const site = this.siteOf(call, method, index, args, scopes, state);
      if (ts.isCallExpression(arg) && requiredModule(ts, arg) === null) {
        this.hintFactory(arg, call, site, state);
        return;
      }
      const def = this.graph.resolve(state.module, arg);
      // Inline functions and same-file references are the per-file transform's to see.
      if (!def || def.module === state.module) return;
      this.hintDefinition(def, arg, call, method, state, site);
    });
  }

  /** `router.post('/', createChecks, create)` with `const createChecks = [requireJson, validate(schema)]` in this module: its elements, as Express flattens them. */
  private constArrayElements(arg: ts.Expression, state: FileState): ts.Expression[] | null {
    const { ts } = this;
    if (!ts.isIdentifier(arg)) return null;
    const def = this.graph.resolve(state.module, arg);
    if (!def || def.module !== state.module || !ts.isVariableDeclaration(def.node)) return null;
    const init = def.node.initializer;
    const list = def.node.parent;
    if (!init || !ts.isArrayLiteralExpression(init) || !ts.isVariableDeclarationList(list) || (list.flags & ts.NodeFlags.Const) === 0) return null;
    return init.elements.some((e) => ts.isSpreadElement(e) || ts.isOmittedExpression(e)) ? null : [...init.elements];
  }

  /** Where a registered function runs: as the route's handler, as middleware before it or in use(), with a relative req.url or not. */
  private siteOf(call: ts.CallExpression, method: string, index: number, args: ts.Expression[], scopes: Scope[], state: FileState): Site {
    const { ts } = this;
    const callee = call.expression as ts.PropertyAccessExpression;
    const first = call.arguments[0];
    const hasPath = first !== undefined && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first) || ts.isRegularExpressionLiteral(first));
    const onRouter = this.receiverKind(callee.expression, scopes, state) === 'router';
    if (method !== 'use') return { role: index === args.length - 1 ? 'route' : 'middleware', relativeUrl: onRouter };
    const scoped = hasPath && !(ts.isStringLiteral(first) && first.text === '/');
    return { role: 'middleware', relativeUrl: onRouter || scoped, use: true };
  }

  /** `requireRole('admin')`: a function of another module that returns the middleware. */
  private hintFactory(arg: ts.CallExpression, call: ts.CallExpression, site: Site, state: FileState): void {
    const { ts } = this;
    const callee = arg.expression;
    if (!ts.isIdentifier(callee) && !ts.isPropertyAccessExpression(callee)) return;
    const def = this.graph.resolve(state.module, callee);
    if (!def || def.module === state.module || !isFunctionLike(ts, def.node) || !returnsFunction(ts, def.node)) return;
    this.push('handler', def, callee, call, state, { factory: true, ...site });
  }

  private hintDefinition(def: Definition, ref: ts.Expression, call: ts.CallExpression, method: string, from: FileState, site: Site): void {
    const { ts } = this;
    if (isFunctionLike(ts, def.node)) {
      const kind: HintKind = method === 'use' && def.node.parameters.length === 4 ? 'error-handler' : 'handler';
      this.push(kind, def, ref, call, from, kind === 'error-handler' ? { role: 'error', relativeUrl: false } : site);
      return;
    }
    const target = this.state(def.module);
    const init = ts.isVariableDeclaration(def.node) ? def.node.initializer : def.node;
    if (createdReceiver(ts, init, target.names)) {
      // A mounted router (or a sub-app): its file registers handlers of its own.
      const mountFallThrough = method === 'use' ? mountFallThroughBlocker(ts, this.graph, from.module, (m) => this.state(m).names, call) : 'not mounted with use()';
      this.push('router', def, ref, call, from, { ...this.paramMountOf(call, def), mountFallThrough });
      this.enqueue(target.module.file);
    }
  }

  /** `use('/:projectId/tasks', tasks)`: whether the mounted router sees the mount's params as the runtime shows them. */
  private paramMountOf(call: ts.CallExpression, def: Definition): Pick<HandlerHint, 'paramMount'> {
    const { ts } = this;
    const first = call.arguments[0];
    if (!first || !ts.isStringLiteralLike(first) || !first.text.includes(':')) return {};
    return { paramMount: { path: first.text, blocker: paramMountBlocker(ts, def.module.sf, def.node, first.text) } };
  }

  /** `register(router)`, `require('./routes/users')(app)`: the callee's parameter receives an Express receiver. */
  private hintReceiverHandOff(call: ts.CallExpression, scopes: Scope[], state: FileState): void {
    const { ts } = this;
    const index = call.arguments.findIndex((arg) => this.receiverKind(arg, scopes, state) !== null);
    if (index === -1) return;
    const callee = call.expression;
    if (!ts.isIdentifier(callee) && !ts.isPropertyAccessExpression(callee) && !ts.isCallExpression(callee)) return;
    const def = this.graph.resolve(state.module, callee);
    if (!def || def.module === state.module || !isFunctionLike(ts, def.node)) return;
    const receiver = this.receiverKind(call.arguments[index], scopes, state)!;
    const target = this.state(def.module);
    const params = target.handOffs.get(def.node) ?? new Map<number, ReceiverKind>();
    if (params.get(index) !== receiver) {
      params.set(index, receiver);
      target.handOffs.set(def.node, params);
      this.enqueue(target.module.file);
    }
    this.push('router-param', def, callee, call, state, { param: index, receiver });
  }

  private push(kind: HintKind, def: Definition, ref: ts.Expression, call: ts.CallExpression, from: FileState, extra: Pick<HandlerHint, 'param' | 'receiver' | 'factory' | 'role' | 'relativeUrl' | 'use' | 'paramMount' | 'mountFallThrough'> = {}): void {
    const sf = def.module.sf;
    const { line, character } = sf.getLineAndCharacterOfPosition(def.node.getStart(sf));
    const callSf = from.module.sf;
    const hint: HandlerHint = {
      kind,
      file: def.module.file,
      name: def.name,
      exportName: exportNameAt(this.ts, ref, from.module),
      line: line + 1,
      column: character,
      ...extra,
      from: { file: from.module.file, line: callSf.getLineAndCharacterOfPosition(call.getStart(callSf)).line + 1, ref: ref.getText(callSf) },
    };
    // One hint per use: a handler registered in two files (or twice) is migrated only when every use can take it.
    const key = `${hint.kind}:${hint.file}:${hint.line}:${hint.column}:${hint.param ?? ''}:${hint.from.file}:${hint.from.line}:${hint.from.ref}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.hints.push(hint);
  }
}

type Site = Pick<HandlerHint, 'role' | 'relativeUrl' | 'use'>;

/** Registration arguments with arrays spread: `router.get('/', [auth, audit], show)`. */
function flattenArguments(ts: TS, args: ts.NodeArray<ts.Expression>): ts.Expression[] {
  return args.flatMap((a) => (ts.isArrayLiteralExpression(a) ? [...a.elements] : [a]));
}

/** Every `return` of the function (and an arrow's expression body) gives back a function written in place. */
function returnsFunction(ts: TS, fn: ts.FunctionLikeDeclaration): boolean {
  const body = fn.body;
  if (!body) return false;
  if (!ts.isBlock(body)) return ts.isFunctionExpression(body) || ts.isArrowFunction(body);
  const returns: ts.ReturnStatement[] = [];
  const visit = (node: ts.Node): void => {
    if (isFunctionLike(ts, node)) return;
    if (ts.isReturnStatement(node)) returns.push(node);
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(body, visit);
  return returns.length > 0 && returns.every((r) => r.expression !== undefined && (ts.isFunctionExpression(r.expression) || ts.isArrowFunction(r.expression)));
}

/** How the reference reached the other module: `users.list` -> 'list', `{ show }` -> 'show', a default import or require -> 'default'. */
function exportNameAt(ts: TS, ref: ts.Expression, module: ModuleInfo): string | null {
  if (ts.isPropertyAccessExpression(ref)) return ref.name.text;
  if (ts.isCallExpression(ref)) return 'default';
  if (!ts.isIdentifier(ref)) return null;
  const binding = module.bindings.get(ref.text);
  if (binding?.kind !== 'import') return null;
  return binding.name === '*' ? 'default' : binding.name;
}
