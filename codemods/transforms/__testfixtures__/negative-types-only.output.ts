import type { Request } from 'express';

export function userAgent(req: Request): string {
  return req.get('user-agent') ?? '';
}
