import { LOCALES, type Locale } from '../domain/meeting';
import type { Problem } from '../domain/problems';
import type { Catalog, MessageKey } from './catalog';
import { da } from './da';
import { en } from './en';
import { fi } from './fi';
import { sv } from './sv';

export type { Catalog, MessageKey } from './catalog';

/** The four catalogs, by language. */
export const CATALOGS: Record<Locale, Catalog> = { sv, da, fi, en };

/** The language for a Teams locale such as `sv-SE` or `fi-FI`; English when Samråd does not speak it. */
export function resolveLocale(tag: string | undefined, fallback: Locale = 'en'): Locale {
  const primary = (tag ?? '').toLowerCase().split(/[-_]/)[0];
  if ((LOCALES as readonly string[]).includes(primary)) return primary as Locale;
  return fallback;
}

/** One text in one language, with its {placeholders} filled in. */
export function t(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = lookup(CATALOGS[locale], key) ?? lookup(CATALOGS.en, key) ?? key;
  return fill(text, params);
}

/** The message for a refusal's problem, in the reader's language. */
export function problemText(locale: Locale, problem: Problem): string {
  const params = { ...problem.params };
  if (typeof params.field === 'string') params.field = t(locale, `field.${params.field}` as MessageKey);
  return t(locale, `problem.${problem.code}` as MessageKey, params);
}

/** Replaces each {name} with its value; unknown names stay visible rather than vanish. */
export function fill(text: string, params: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

function lookup(catalog: Catalog, key: string): string | undefined {
  let node: unknown = catalog;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : undefined;
}
