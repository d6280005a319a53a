/**
 * The body of a redirect, as Express's res.redirect writes it: negotiated on
 * Accept between plain text and HTML (no Accept, or `*\/*`: text), and empty
 * when the client accepts neither. Clients rarely show it, but a replay
 * comparing the migrated app with the original does.
 */
import { STATUS_CODES } from 'node:http';
import Negotiator from 'negotiator';
import { escapeHtml } from './html-escape.js';

const OFFERED = ['text/plain', 'text/html'];

export function redirectBody(status: number, location: string, accept: string | undefined): { body: string; type: string | null } {
  const message = `${STATUS_CODES[status] ?? status}. Redirecting to `;
  const type = new Negotiator({ headers: { accept: accept ?? '*/*' } }).mediaType(OFFERED);
  if (type === 'text/plain') return { body: message + location, type: 'text/plain; charset=utf-8' };
  if (type === 'text/html') return { body: `<p>${message}${escapeHtml(location)}</p>`, type: 'text/html; charset=utf-8' };
  return { body: '', type: null };
}
