/**
 * Proves a handler decides its response at most once and never continues
 * after responding. Express sends on the first res.json(); a second send
 * throws "headers already sent" and a next() after it runs the next handler
 * against a finished response. The runtime's builder would instead let the
 * last call win, so any path with two decisions stays on Express.
 *
 * A small abstract interpretation over statements: state = "may already have
 * responded / continued"; return and throw end a path; loops run twice.
 */
import { someNode } from './ast-utils.js';
import { fail } from './handler-env.js';

export interface FlowEvents {
  responds: Set<any>;
  continues: Set<any>;
}

interface State { responded: boolean; continued: boolean }
type Out = State | null;

const join = (a: Out, b: Out): Out => (a === null ? b : b === null ? a : { responded: a.responded || b.responded, continued: a.continued || b.continued });

export function checkSingleResponse(body: any, ev: FlowEvents): void {
  if (body.type !== 'BlockStatement') {
    simple(body, { responded: false, continued: false }, ev);
    return;
  }
  block(body.body, { responded: false, continued: false }, ev);
}

function block(stmts: any[], s: Out, ev: FlowEvents): Out {
  for (const st of stmts) {
    if (s === null) return null;
    s = statement(st, s, ev);
  }
  return s;
}

function statement(st: any, s: State, ev: FlowEvents): Out {
  switch (st.type) {
    case 'BlockStatement': return block(st.body, s, ev);
    case 'IfStatement': {
      simple(st.test, s, ev);
      return join(statement(st.consequent, s, ev), st.alternate ? statement(st.alternate, s, ev) : s);
    }
    case 'ReturnStatement': case 'ThrowStatement':
      if (st.argument) simple(st.argument, s, ev);
      return null;
    case 'ForStatement': case 'ForInStatement': case 'ForOfStatement': case 'WhileStatement': case 'DoWhileStatement': {
      const head = [st.init, st.test, st.update, st.right].filter(Boolean);
      head.forEach((h: any) => simple(h, s, ev));
      const once = statement(st.body, s, ev) ?? s;
      const twice = statement(st.body, once, ev) ?? once;
      return join(s, twice);
    }
    case 'TryStatement': {
      const afterTry = block(st.block.body, s, ev);
      // When only the try block's last statement responds, the catch cannot follow a response: it starts where the try did.
      const body = st.block.body as any[];
      const respondsEarly = body.slice(0, -1).some((x) => someNode(x, (n) => ev.responds.has(n) || ev.continues.has(n), true));
      const maybe = respondsEarly ? join(s, afterTry ?? s)! : s;
      const afterCatch = st.handler ? block(st.handler.body.body, maybe, ev) : null;
      let out = join(afterTry, afterCatch);
      if (st.finalizer) out = out === null ? (block(st.finalizer.body, maybe, ev), null) : block(st.finalizer.body, out, ev);
      return out;
    }
    case 'SwitchStatement': {
      simple(st.discriminant, s, ev);
      let out: Out = null;
      let fall: Out = null;
      for (const c of st.cases) {
        const start = join(s, fall)!;
        fall = block(c.consequent.filter((x: any) => x.type !== 'BreakStatement'), start, ev);
        const breaks = c.consequent.some((x: any) => x.type === 'BreakStatement');
        out = join(out, fall);
        if (breaks) fall = null;
      }
      return join(out, s);
    }
    case 'LabeledStatement': return statement(st.body, s, ev);
    case 'FunctionDeclaration': return s;
    default: return simple(st, s, ev);
  }
}

function simple(node: any, s: State, ev: FlowEvents): State {
  const responds = someNode(node, (n) => ev.responds.has(n), true);
  const continues = someNode(node, (n) => ev.continues.has(n), true);
  if (responds && (s.responded || s.continued)) fail(s.continued ? 'responds after calling next()' : 'may respond twice (Express sends the first response only)');
  if (continues && s.responded) fail('calls next() after responding');
  if (continues && s.continued) fail('may call next() twice');
  if (responds && continues) fail('responds and calls next() in one expression');
  return { responded: s.responded || responds, continued: s.continued || continues };
}
