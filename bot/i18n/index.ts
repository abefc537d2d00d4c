import { LOCALES, type Locale } from '../domain/meeting';
import type { Problem } from '../domain/problems';
import type { Catalog, MessageKey, ParamsOf } from './catalog';
import { da } from './da';
import { en } from './en';
import { fi } from './fi';
import { sv } from './sv';

export type { Catalog, MessageKey, ParamsOf, PlainProblemCode } from './catalog';

/** The four catalogs, by language. */
export const CATALOGS: Record<Locale, Catalog> = { sv, da, fi, en };

/** The language for a Teams locale such as `sv-SE` or `fi-FI`; English when Samråd does not speak it. */
export function resolveLocale(tag: string | undefined, fallback: Locale = 'en'): Locale {
  const primary = (tag ?? '').toLowerCase().split(/[-_]/)[0];
  if ((LOCALES as readonly string[]).includes(primary)) return primary as Locale;
  return fallback;
}

/**
 * One text in one language, with its {placeholders} filled in. The compiler holds every call to
 * the text's placeholders: a key whose text has `{min}` and `{max}` cannot be shown without both.
 */
export function t<K extends MessageKey>(locale: Locale, key: K, ...params: ParamsOf<K>): string {
  return fill(template(locale, key), (params[0] ?? {}) as Record<string, string | number>);
}

/** A text with its {placeholders} left in, for a page that fills them itself (the live timer). */
export function template(locale: Locale, key: MessageKey): string {
  return lookup(CATALOGS[locale], key) ?? lookup(CATALOGS.en, key) ?? key;
}

/** The message for a refusal's problem, in the reader's language, with the values the refusal carries. */
export function problemText(locale: Locale, problem: Problem): string {
  const params = { ...problem.params };
  if (typeof params.field === 'string') params.field = template(locale, `field.${params.field}` as MessageKey);
  return fill(template(locale, `problem.${problem.code}`), params);
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
