import type { Request, Response } from 'restify';
import type { Locale } from '../domain/meeting';
import { resolveLocale } from '../i18n';

/** A plain HTTP answer. */
export interface HttpAnswer {
  status: number;
  type: string;
  body: string;
  headers?: Record<string, string>;
}

/** Writes an answer; no page of Samråd is to be indexed (`X-Robots-Tag`, unless the answer's own headers say it). */
export function send(res: Response, answer: HttpAnswer): void {
  res.writeHead(answer.status, { 'Content-Type': answer.type, 'X-Robots-Tag': 'noindex', ...answer.headers });
  res.end(answer.body);
}

/** The language of a browser's (or the Teams page's) first Accept-Language choice, or English: for pages that do not know whose link it is. */
export function readerLocale(req: Request): Locale {
  return resolveLocale(String(req.headers?.['accept-language'] ?? '').split(',')[0]);
}
