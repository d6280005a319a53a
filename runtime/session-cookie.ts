/**
 * The session's cookie settings, shaped like express-session's Cookie: the
 * same fields, the same maxAge/expires arithmetic and the same JSON in the
 * store (`{ originalMaxAge, expires, secure, httpOnly, domain, path,
 * sameSite, partitioned, priority }`), so a session written by either side
 * reads back on the other.
 */
import { stringifySetCookie } from 'cookie';

export type SameSite = boolean | 'lax' | 'strict' | 'none' | 'auto';

export interface SessionCookieOptions {
  /** Lifetime in milliseconds (Expires is set from it); null or absent: a browser-session cookie. */
  maxAge?: number | null;
  expires?: Date | null;
  /** Default '/'; also the path prefix the session middleware runs for. */
  path?: string;
  domain?: string;
  /** Default true. */
  httpOnly?: boolean;
  /** true, false or 'auto' (secure exactly when the request is: https, or a trusted proxy says so). */
  secure?: boolean | 'auto';
  sameSite?: SameSite;
  partitioned?: boolean;
  priority?: 'low' | 'medium' | 'high';
}

/** What a store holds under `cookie`. */
export interface SessionCookieData {
  originalMaxAge: number | null;
  expires?: Date | string | null;
  secure?: boolean;
  httpOnly?: boolean;
  domain?: string;
  path?: string;
  sameSite?: boolean | 'lax' | 'strict' | 'none';
  partitioned?: boolean;
  priority?: 'low' | 'medium' | 'high';
}

export class SessionCookie {
  path = '/';
  httpOnly = true;
  domain?: string;
  secure?: boolean | 'auto';
  sameSite?: SameSite;
  partitioned?: boolean;
  priority?: 'low' | 'medium' | 'high';
  originalMaxAge: number | null | undefined;
  private _expires: Date | null | undefined;

  constructor(options?: SessionCookieOptions | SessionCookieData) {
    this.maxAge = null;
    if (options) {
      // Key order matters as in express-session: a later maxAge overrides an earlier expires.
      for (const key of Object.keys(options) as Array<keyof SessionCookieOptions & keyof this>) {
        if ((key as string) === 'data') continue;
        (this as Record<string, unknown>)[key as string] = (options as Record<string, unknown>)[key as string];
      }
    }
    if (this.originalMaxAge === undefined || this.originalMaxAge === null) this.originalMaxAge = this.maxAge;
  }

  get expires(): Date | null | undefined {
    return this._expires;
  }

  set expires(date: Date | null | undefined) {
    this._expires = date;
    this.originalMaxAge = this.maxAge;
  }

  /** Milliseconds left (negative once expired), or null for a browser-session cookie. */
  get maxAge(): number | null {
    return this._expires instanceof Date ? this._expires.valueOf() - Date.now() : (this._expires ?? null);
  }

  set maxAge(ms: number | null) {
    this.expires = typeof ms === 'number' ? new Date(Date.now() + ms) : ms;
  }

  get data(): SessionCookieData {
    return {
      originalMaxAge: this.originalMaxAge ?? null,
      partitioned: this.partitioned,
      priority: this.priority,
      expires: this._expires,
      secure: this.secure as boolean | undefined,
      httpOnly: this.httpOnly,
      domain: this.domain,
      path: this.path,
      sameSite: this.sameSite as SessionCookieData['sameSite'],
    };
  }

  /** The Set-Cookie value for `name=value` with these settings (Expires only, as express-session). */
  serialize(name: string, value: string): string {
    return stringifySetCookie(name, value, {
      expires: this._expires ?? undefined,
      secure: this.secure === true,
      httpOnly: this.httpOnly,
      domain: this.domain,
      path: this.path,
      sameSite: this.sameSite === 'auto' ? undefined : this.sameSite,
      partitioned: this.partitioned,
      priority: this.priority,
    });
  }

  toJSON(): SessionCookieData {
    return this.data;
  }
}
