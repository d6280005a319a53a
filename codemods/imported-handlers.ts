/**
 * Handlers and middleware that one module defines and others register
 * (`router.use(requireAuth)` with requireAuth from ../middleware/auth) move
 * to the runtime only when both sides agree: the defining module converts
 * the function, and every registration of it, in every module, takes it
 * natively. Either side alone would break the other: a converted function
 * under fromExpress, or an Express function called as `(ctx)`.
 *
 * The runner starts optimistic (every function the project pass saw only
 * registered, with one role, and whose module no other file imports) and
 * narrows after each round of transforms: a definition that did not convert,
 * or a registration that did not migrate natively (its route or router
 * stayed on Express, the name is also called directly, the file is reverted
 * because Express mounts it), takes the definition off, and only the files
 * that name it run again. The set only shrinks, so it settles; a run with
 * no shared handlers costs nothing extra.
 */
import { relative } from 'node:path';
import type { HandlerHint } from './project/hints.js';
import { createModuleResolver } from './project/resolve-module.js';
import { keepRoutersMountedByExpress } from './mounted-by-express.js';
import type { DefinitionToConvert, HandlerSiteKind, ImportedHandlerPlan, TransformResult } from './transform-api.js';

interface SharedDefinition {
  file: string;
  line: number;
  column: number;
  name: string | null;
  factory: boolean;
  kind: HandlerSiteKind;
  /** The registrations the project pass found, one hint each. */
  uses: HandlerHint[];
  /** Why it stays on Express; null while it is still being converted. */
  reason: string | null;
  /** A registration reported another role than the hints guessed: the module converted it again, once. */
  rekinded: boolean;
  /** Custom request properties the converted function stores on ctx.state, learned from its module's report. */
  stateWrites: string[];
  /** The registering modules ran again with those, once. */
  restated: boolean;
  /** Every registration is a use(): what it sets on req is read app-wide, so it stays on the raw request. */
  global: boolean;
}

/** A round that changes nothing settles; more rounds than this means something oscillates, and everything falls back to Express. */
const MAX_ROUNDS = 8;
export const STAYS_RULE = 'imported-handler-stays-express';
const RESTATED = '\0restated';
const IMPORT_SPECIFIER = /(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*)['"](\.{1,2}\/[^'"]*|\.{1,2})['"]/g;

export class ImportedHandlers {
  private readonly defs: SharedDefinition[] = [];
  /** Per registering file, every registration of a function from another module of the app. */
  private readonly ours = new Map<string, string[]>();
  /** Custom request properties the run keeps on the raw request (transforms/request-props.ts): learned from use()-registered definitions. */
  private readonly requestProps = new Set<string>();
  private rounds = 0;

  /**
   * @param hintsByFile the project pass's handler hints
   * @param texts every file of the run with its text, to find modules that import a defining module for another reason
   */
  constructor(private readonly hintsByFile: Map<string, HandlerHint[]>, texts: Map<string, string>, private readonly cwd: string) {
    const byKey = new Map<string, HandlerHint[]>();
    for (const hints of hintsByFile.values()) {
      for (const hint of hints) {
        const fn = hint.kind === 'handler' || hint.kind === 'error-handler';
        if (fn && hint.from.ref) this.ours.set(hint.from.file, [...(this.ours.get(hint.from.file) ?? []), siteOf(hint)]);
        if (!fn || !hint.from.ref || !hint.role) continue;
        const key = `${hint.file}:${hint.line}:${hint.column}`;
        byKey.set(key, [...(byKey.get(key) ?? []), hint]);
      }
    }
    const otherImporter = otherImporterFinder(byKey, texts);
    for (const uses of byKey.values()) {
      const first = uses[0];
      const kinds = new Set(uses.map((u) => `${u.role}:${u.relativeUrl === true}`));
      const def: SharedDefinition = {
        file: first.file, line: first.line, column: first.column, name: first.name, factory: first.factory === true,
        kind: { role: first.role as HandlerSiteKind['role'], relativeUrl: first.relativeUrl === true },
        uses, reason: null, rekinded: false, stateWrites: [], restated: false, global: uses.every((u) => u.use === true),
      };
      if (kinds.size > 1) def.reason = 'registered both as a route handler and as middleware, or under different URL bases';
      const importer = otherImporter(def.file);
      if (importer && !def.reason) def.reason = `its module is also imported by ${relative(cwd, importer)}, which may call it as Express code`;
      this.defs.push(def);
    }
  }

  get active(): boolean {
    return this.defs.some((d) => d.reason === null);
  }

  /** What the file's transform converts and registers natively; undefined when the file takes no part. */
  planFor(file: string): ImportedHandlerPlan | undefined {
    const convert: DefinitionToConvert[] = [];
    const native: string[] = [];
    const stateWrites: Record<string, string[]> = {};
    for (const def of this.defs) {
      if (def.reason !== null) continue;
      if (def.file === file) convert.push({ line: def.line, column: def.column, name: def.name, factory: def.factory, ...def.kind, ...(def.global ? { global: true } : {}) });
      for (const use of def.uses) {
        if (use.from.file !== file) continue;
        native.push(siteOf(use));
        if (def.stateWrites.length > 0) stateWrites[siteOf(use)] = def.stateWrites;
      }
    }
    const ours = this.ours.get(file) ?? [];
    if (convert.length === 0 && native.length === 0 && ours.length === 0 && this.requestProps.size === 0) return undefined;
    const plan: ImportedHandlerPlan = { convert, native, ours };
    if (Object.keys(stateWrites).length > 0) plan.stateWrites = stateWrites;
    if (this.requestProps.size > 0) plan.requestProps = [...this.requestProps].sort();
    return plan;
  }

  /** Report entries for the functions that stay on Express, in their own modules, with why. */
  reportStaying(outcomes: Map<string, TransformResult>): void {
    for (const def of this.defs) {
      const outcome = outcomes.get(def.file);
      if (def.reason === null || !outcome) continue;
      outcome.entries.push({ file: def.file, line: def.line, kind: 'compat', rule: STAYS_RULE, handler: def.name ?? 'default export', reason: def.reason });
    }
  }

  /**
   * After a round: takes off every definition that one side could not honour.
   * Returns the files to transform again (empty once every side agrees).
   */
  narrow(outcomes: Map<string, TransformResult>): Set<string> {
    const rerun = new Set<string>();
    if (++this.rounds >= MAX_ROUNDS) {
      for (const def of this.defs.filter((d) => d.reason === null)) this.drop(def, 'the modules using it did not settle on one form', rerun);
      return rerun;
    }
    const reverted = revertedByMounts(outcomes, this.hintsByFile, this.cwd);
    if (this.learnRequestProps(outcomes)) {
      // Judged on the next round, where every file reads those names from the raw request.
      for (const file of outcomes.keys()) rerun.add(file);
      return rerun;
    }
    for (const def of this.defs) {
      if (def.reason !== null) continue;
      const reason = this.definitionProblem(def, outcomes, reverted) ?? this.restate(def, outcomes, rerun) ?? this.useProblem(def, outcomes, reverted, rerun);
      if (reason === RESTATED) continue;
      if (reason) this.drop(def, reason, rerun);
    }
    return rerun;
  }

  /** New names a use()-registered definition keeps on the raw request: every file reads them from there, so every file runs again. */
  private learnRequestProps(outcomes: Map<string, TransformResult>): boolean {
    let learned = false;
    for (const def of this.defs) {
      if (def.reason !== null || !def.global) continue;
      const report = outcomes.get(def.file)?.importedHandlers?.definitions.find((d) => d.line === def.line && d.column === def.column);
      for (const name of report?.requestWrites ?? []) {
        if (this.requestProps.has(name)) continue;
        this.requestProps.add(name);
        learned = true;
      }
    }
    return learned;
  }

  private definitionProblem(def: SharedDefinition, outcomes: Map<string, TransformResult>, reverted: Set<string>): string | null {
    const outcome = outcomes.get(def.file);
    if (!outcome) return 'its module could not be transformed';
    if (reverted.has(def.file)) return 'its module stays on Express';
    const report = outcome.importedHandlers?.definitions.find((d) => d.line === def.line && d.column === def.column);
    if (!report) return 'its module did not convert it';
    return report.reason;
  }

  /**
   * The module reported req.<x> the function now stores on ctx.state: the registering modules run again
   * knowing it (their later handlers read ctx.state.<x>). Their uses are judged on that run.
   */
  private restate(def: SharedDefinition, outcomes: Map<string, TransformResult>, rerun: Set<string>): string | null {
    const report = outcomes.get(def.file)?.importedHandlers?.definitions.find((d) => d.line === def.line && d.column === def.column);
    const writes = report?.stateWrites ?? [];
    if (writes.join() === def.stateWrites.join()) return null;
    if (def.restated) return 'the request properties it sets changed between runs';
    def.stateWrites = writes;
    def.restated = true;
    for (const use of def.uses) rerun.add(use.from.file);
    return RESTATED;
  }

  private useProblem(def: SharedDefinition, outcomes: Map<string, TransformResult>, reverted: Set<string>, rerun: Set<string>): string | null {
    const reported = [];
    for (const use of def.uses) {
      const site = siteOf(use);
      const uses = reverted.has(use.from.file) ? [] : outcomes.get(use.from.file)?.importedHandlers?.uses.filter((u) => u.site === site) ?? [];
      if (uses.length === 0 || uses.some((u) => !u.native)) return `${relative(this.cwd, use.from.file)}:${use.from.line} does not register it natively`;
      reported.push(...uses);
    }
    const kinds = new Set(reported.map((u) => `${u.role}:${u.relativeUrl}`));
    if (kinds.size > 1) return 'registered both as a route handler and as middleware, or under different URL bases';
    const { role, relativeUrl } = reported[0];
    if (role === def.kind.role && relativeUrl === def.kind.relativeUrl) return null;
    if (def.rekinded) return 'registered as a different kind of handler than it was converted for';
    def.kind = { role, relativeUrl };
    def.rekinded = true;
    rerun.add(def.file);
    return null;
  }

  private drop(def: SharedDefinition, reason: string, rerun: Set<string>): void {
    def.reason = reason;
    rerun.add(def.file);
    for (const use of def.uses) rerun.add(use.from.file);
  }
}

function siteOf(hint: HandlerHint): string {
  return `${hint.from.line}:${hint.from.ref}`;
}

/**
 * For a defining module: a file other than itself and its registering modules
 * that imports it (the first in the run's order), or null. The run's imports
 * are indexed once, on the first question, instead of every text being
 * scanned again for each defining module.
 */
function otherImporterFinder(byKey: Map<string, HandlerHint[]>, texts: Map<string, string>): (defFile: string) => string | null {
  let importers: Map<string, string[]> | null = null;
  const answers = new Map<string, string | null>();
  return (defFile) => {
    if (answers.has(defFile)) return answers.get(defFile)!;
    importers ??= importersOf(texts);
    const registering = new Set([...byKey.values()].flat().filter((h) => h.file === defFile).map((h) => h.from.file));
    const answer = importers.get(defFile)?.find((file) => file !== defFile && !registering.has(file)) ?? null;
    answers.set(defFile, answer);
    return answer;
  };
}

/** Every module imported by a relative specifier, with the files importing it, in the run's order. */
function importersOf(texts: Map<string, string>): Map<string, string[]> {
  const resolveSpecifier = createModuleResolver();
  const importers = new Map<string, string[]>();
  for (const [file, text] of texts) {
    for (const m of text.matchAll(IMPORT_SPECIFIER)) {
      const target = resolveSpecifier(file, m[1]);
      if (target === null) continue;
      const list = importers.get(target);
      if (!list) importers.set(target, [file]);
      else if (list[list.length - 1] !== file) list.push(file);
    }
  }
  return importers;
}

/** Files that keepRoutersMountedByExpress would revert, computed on a copy (the runner applies it for real at the end). */
function revertedByMounts(outcomes: Map<string, TransformResult>, hintsByFile: Map<string, HandlerHint[]>, cwd: string): Set<string> {
  const copy = new Map([...outcomes].map(([file, r]) => [file, { ...r }]));
  keepRoutersMountedByExpress(copy, hintsByFile, cwd);
  const out = new Set<string>();
  for (const [file, r] of copy) if (r.output === null && outcomes.get(file)!.output !== null) out.add(file);
  return out;
}
