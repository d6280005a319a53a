// A small real transform for the runner tests (the project's own migrateSource
// lives in codemods/migrate-source.ts): res.send({...}) -> res.json({...}),
// res.render(...) reported as left on compat, project-pass hints recorded in a
// comment so tests can see what the runner passed. Idempotent.
import jscodeshift from 'jscodeshift';

export function migrateSource(source, opts) {
  const parser = opts.parser ?? (/\.(ts|mts|cts)$/.test(opts.path) ? 'ts' : /\.tsx$/.test(opts.path) ? 'tsx' : 'babel');
  const j = jscodeshift.withParser(parser);
  const root = j(source);
  const entries = [];
  const handlers = { native: 0, compat: 0 };
  let changed = false;
  root.find(j.CallExpression, { callee: { type: 'MemberExpression', object: { name: 'res' }, property: { name: 'send' } } })
    .filter((p) => p.node.arguments[0]?.type === 'ObjectExpression')
    .forEach((p) => {
      p.node.callee.property.name = 'json';
      changed = true;
      handlers.native++;
      entries.push({ file: opts.path, line: p.node.loc?.start.line ?? 0, kind: 'migrated', rule: 'send-to-json' });
    });
  root.find(j.CallExpression, { callee: { type: 'MemberExpression', object: { name: 'res' }, property: { name: 'render' } } })
    .forEach((p) => {
      handlers.compat++;
      entries.push({ file: opts.path, line: p.node.loc?.start.line ?? 0, kind: 'compat', rule: 'res-render', reason: 'templates stay on Express' });
    });
  let output = changed ? root.toSource() : null;
  const hints = [...(opts.handlerHints ?? []), ...(opts.typeHints ?? [])];
  if (hints.length > 0 && !source.includes('// hinted:')) {
    const names = hints.map((h) => h.kind ? `${h.kind}:${h.name ?? h.exportName}@${h.line}${h.param !== undefined ? `#${h.param}` : ''}` : `type:${h.localName}=${h.expressType}`).sort();
    output = (output ?? source) + `// hinted: ${names.join(' ')}\n`;
  }
  return { output, entries, handlers };
}
