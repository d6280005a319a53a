/**
 * The cross-file walk. Starting from the files that import express, find
 * every `app.METHOD/use(...)` and `router.METHOD/use(...)` registration and
 * every call that hands an app or router to another function; whatever those
 * reach in other files becomes a hint for that file, and the files reached
 * are walked in turn (a route module that received `router` registers its
 * own handlers, mounts its own sub-routers, ...).
 */
import type { CallExpression, Node, SourceFile } from 'ts-morph';
import { createdReceiver, expressNamesIn, receiversIn, symbolKey, type ExpressNames, type ReceiverKind } from './express-names.js';
import { definitionOf, moduleDefault, requiredFile, type Definition } from './definitions.js';
import type { HandlerHint, HintKind } from './hints.js';
import type { TsMorph } from './ts-morph.js';

const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'head', 'options', 'all', 'use',
  'copy', 'lock', 'mkcol', 'move', 'purge', 'propfind', 'proppatch', 'search', 'trace', 'unlock', 'report', 'mkactivity', 'checkout', 'merge', 'notify', 'subscribe', 'unsubscribe']);

interface FileState {
  sf: SourceFile;
  names: ExpressNames;
  receivers: Map<object, ReceiverKind>;
}

export class RegistrationWalk {
  readonly hints: HandlerHint[] = [];
  private readonly states = new Map<string, FileState>();
  private readonly queue: string[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly m: TsMorph) {}

  /** Walk a file with whatever receivers it creates or declares itself. */
  addFile(sf: SourceFile): void {
    this.state(sf);
    this.enqueue(sf.getFilePath());
  }

  run(): void {
    for (let file = this.queue.shift(); file !== undefined; file = this.queue.shift()) {
      this.walkFile(this.states.get(file)!);
    }
  }

  private state(sf: SourceFile): FileState {
    const path = sf.getFilePath();
    let state = this.states.get(path);
    if (!state) {
      const names = expressNamesIn(this.m, sf);
      state = { sf, names, receivers: receiversIn(this.m, sf, names) };
      this.states.set(path, state);
    }
    return state;
  }

  private enqueue(path: string): void {
    if (!this.queue.includes(path)) this.queue.push(path);
  }

  private walkFile(state: FileState): void {
    for (const call of state.sf.getDescendantsOfKind(this.m.SyntaxKind.CallExpression)) {
      const registration = this.registrationOn(call, state);
      if (registration) this.hintArguments(call, registration);
      else this.hintReceiverHandOff(call, state);
    }
  }

  /** `receiver.get(...)`, `receiver.use(...)`, `receiver.route(p).get(...)`: the method, if this is one. */
  private registrationOn(call: CallExpression, state: FileState): string | null {
    const N = this.m.Node;
    const callee = call.getExpression();
    if (!N.isPropertyAccessExpression(callee) || !ROUTE_METHODS.has(callee.getName())) return null;
    return this.receiverKind(callee.getExpression(), state) ? callee.getName() : null;
  }

  private receiverKind(node: Node, state: FileState): ReceiverKind | null {
    const N = this.m.Node;
    if (N.isIdentifier(node)) {
      const key = symbolKey(node.getSymbol());
      return key ? state.receivers.get(key) ?? null : null;
    }
    if (N.isCallExpression(node)) {
      const callee = node.getExpression();
      // app.route('/x').get(...) and chained registrations return the same router
      if (N.isPropertyAccessExpression(callee) && (callee.getName() === 'route' || ROUTE_METHODS.has(callee.getName()))) {
        return this.receiverKind(callee.getExpression(), state) ? 'router' : null;
      }
      return createdReceiver(this.m, node, state.names);
    }
    return null;
  }

  private hintArguments(call: CallExpression, method: string): void {
    const N = this.m.Node;
    for (const arg of call.getArguments()) {
      if (N.isStringLiteral(arg) || N.isNoSubstitutionTemplateLiteral(arg) || N.isTemplateExpression(arg)
        || N.isRegularExpressionLiteral(arg) || N.isArrayLiteralExpression(arg)) continue;
      if (N.isFunctionExpression(arg) || N.isArrowFunction(arg)) continue; // inline: the per-file transform sees it
      const def = N.isCallExpression(arg) && requiredFile(this.m, arg)
        ? moduleDefault(this.m, requiredFile(this.m, arg)!)
        : N.isIdentifier(arg) || N.isPropertyAccessExpression(arg) ? definitionOf(this.m, arg) : null;
      if (!def || def.node.getSourceFile() === call.getSourceFile()) continue;
      this.hintDefinition(def, arg, call, method);
    }
  }

  private hintDefinition(def: Definition, ref: Node, call: CallExpression, method: string): void {
    const N = this.m.Node;
    const target = this.state(def.node.getSourceFile());
    if (N.isFunctionDeclaration(def.node) || N.isFunctionExpression(def.node) || N.isArrowFunction(def.node) || N.isMethodDeclaration(def.node)) {
      const kind: HintKind = method === 'use' && def.node.getParameters().length === 4 ? 'error-handler' : 'handler';
      this.push(kind, def, ref, call);
      return;
    }
    const created = N.isVariableDeclaration(def.node) ? createdReceiver(this.m, def.node.getInitializer(), target.names) : null;
    if (created || N.isCallExpression(def.node) || N.isNewExpression(def.node)) {
      // A mounted router (or a sub-app): its file registers handlers of its own.
      this.push('router', def, ref, call);
      this.enqueue(target.sf.getFilePath());
    }
  }

  /** `register(router)`, `require('./routes/users')(app)`: the callee's parameter receives an Express receiver. */
  private hintReceiverHandOff(call: CallExpression, state: FileState): void {
    const N = this.m.Node;
    const args = call.getArguments();
    const index = args.findIndex((a) => this.receiverKind(a, state) !== null);
    if (index === -1) return;
    const callee = call.getExpression();
    const required = N.isCallExpression(callee) ? requiredFile(this.m, callee) : null;
    const def = required ? moduleDefault(this.m, required)
      : N.isIdentifier(callee) || N.isPropertyAccessExpression(callee) ? definitionOf(this.m, callee) : null;
    if (!def || !(N.isFunctionDeclaration(def.node) || N.isFunctionExpression(def.node) || N.isArrowFunction(def.node))) return;
    const param = def.node.getParameters()[index];
    const key = symbolKey(param?.getSymbol());
    if (!param || !key) return;
    const receiver = this.receiverKind(args[index], state)!;
    const target = this.state(def.node.getSourceFile());
    if (target.receivers.get(key) === receiver) return;
    target.receivers.set(key, receiver);
    this.push('router-param', def, callee, call, { param: index, receiver });
    this.enqueue(target.sf.getFilePath());
  }

  private push(kind: HintKind, def: Definition, ref: Node, call: CallExpression, extra: Pick<HandlerHint, 'param' | 'receiver'> = {}): void {
    const sf = def.node.getSourceFile();
    const { line, character } = sf.compilerNode.getLineAndCharacterOfPosition(def.node.getStart());
    const hint: HandlerHint = {
      kind,
      file: sf.getFilePath(),
      name: def.name,
      exportName: exportNameAt(this.m, ref),
      line: line + 1,
      column: character,
      ...extra,
      from: { file: call.getSourceFile().getFilePath(), line: call.getStartLineNumber() },
    };
    const key = `${hint.kind}:${hint.file}:${hint.line}:${hint.column}:${hint.param ?? ''}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.hints.push(hint);
  }
}

/** How the reference reached the other module: `users.list` -> 'list', `{ show }` -> 'show', a default import -> 'default'. */
function exportNameAt(m: TsMorph, ref: Node): string | null {
  const N = m.Node;
  if (N.isPropertyAccessExpression(ref)) return ref.getName();
  if (N.isCallExpression(ref)) return 'default';
  if (!N.isIdentifier(ref)) return null;
  const decl = ref.getSymbol()?.getDeclarations()[0];
  if (!decl) return null;
  if (N.isImportSpecifier(decl)) return decl.getName();
  if (N.isImportClause(decl)) return 'default';
  if (N.isBindingElement(decl)) return decl.getPropertyNameNode()?.getText() ?? decl.getName();
  if (N.isVariableDeclaration(decl) && decl.getInitializer() && N.isCallExpression(decl.getInitializer()!)) return 'default';
  return null;
}
