/**
 * What the project pass hands to the per-file transforms: facts that need
 * more than one file to prove. Each hint names a function (or a name) in the
 * file it is passed to; positions are 1-based lines and 0-based columns in
 * the text the transform receives (BOM removed, LF endings: line numbers are
 * the same as on disk).
 */
export type HintKind =
  /** A route handler or route-level middleware: `router.get('/', users.list)`. */
  | 'handler'
  /** 4-argument error middleware registered with `use`. */
  | 'error-handler'
  /** A module-level value that is an Express router or app (mounted elsewhere with `use`). */
  | 'router'
  /** A function whose parameter `param` receives an Express app or router: `require('./routes/users')(router)`. */
  | 'router-param';

export interface HandlerHint {
  kind: HintKind;
  /** Absolute path of the file that defines the function or value. */
  file: string;
  /** Local name of the function, variable or object property, when it has one. */
  name: string | null;
  /**
   * How the module exports it, as the importer sees it: 'default' (ESM default
   * export or the whole CommonJS module.exports), a named export or
   * `exports.x` property ('list'), or a property of the default-exported
   * object ('default.list'). Null when it is not exported directly.
   */
  exportName: string | null;
  /** Where the function (or value) starts. */
  line: number;
  column: number;
  /** For 'router-param': index of the parameter that receives the app or router. */
  param?: number;
  /** For 'router-param': whether that parameter is an app or a router. */
  receiver?: 'app' | 'router';
  /** For 'handler': the function is a factory (`requireRole(role)`) whose returned function is what gets registered. */
  factory?: boolean;
  /** For 'handler' and 'error-handler': how this registration runs it (the per-file transform has the final word). */
  role?: 'route' | 'middleware' | 'error';
  /** Whether req.url is relative there (a router, or use() under a path), as Express sees it. */
  relativeUrl?: boolean;
  /** For 'handler': registered with use() (app- or router-level middleware), not for one route. */
  use?: boolean;
  /**
   * For 'router' mounted at a path with params (`use('/:projectId/tasks', tasks)`): the path, and why the
   * router would not see the same req.params on the runtime (null when it would; param-mount.ts).
   */
  paramMount?: { path: string; blocker: string | null };
  /**
   * For 'router': null when a route of the router that hands its request on (next() -> ctx.fallThrough()) meets
   * at this mount what Express meets, otherwise why not (project/mount-fall-through.ts).
   */
  mountFallThrough?: string | null;
  /** The registration that proved it, and the reference's text there (`requireAuth`, `users.list`, the callee of `requireRole('admin')`). */
  from: { file: string; line: number; ref?: string };
}

export interface TypeHint {
  /** Absolute path of the file using the name. */
  file: string;
  /** The local name in that file (an import or a type alias). */
  localName: string;
  /** The Express type it stands for: Request, Response, NextFunction, RequestHandler, ... */
  expressType: string;
  /** Where the name is imported or declared. */
  line: number;
}

export interface ProjectHints {
  handlers: Map<string, HandlerHint[]>;
  types: Map<string, TypeHint[]>;
  /** Files the pass found to belong to an Express app (every hinted file, plus the seeds). */
  files: Set<string>;
}

export function emptyHints(): ProjectHints {
  return { handlers: new Map(), types: new Map(), files: new Set() };
}
