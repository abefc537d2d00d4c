import { IntlMessageFormat, type Formatters } from 'intl-messageformat';
import { LOCALES, type Locale } from '../domain/meeting';
import type { Problem } from '../domain/problems';
import type { Catalog, MessageKey, ParamsOf } from './catalog';
import { da } from './da';
import { en } from './en';
import { fi } from './fi';
import { sv } from './sv';

export type { Catalog, CountArguments, MessageKey, ParamsOf, Placeholders, PlainProblemCode, ValuesOf } from './catalog';

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
 * the text's placeholders: a key whose text has `{min}` and `{max}` cannot be shown without both,
 * and one whose text counts (`{count, plural, one {# möte} other {# möten}}`) needs the count.
 */
export function t<K extends MessageKey>(locale: Locale, key: K, ...params: ParamsOf<K>): string {
  return render(locale, key, template(locale, key), (params[0] ?? {}) as Record<string, string | number>);
}

/**
 * A text with its {placeholders} left in, for a page that fills them itself (the live timer). A counted
 * text comes back as its ICU message, so the texts such a page fills are kept plain (a test checks it).
 */
export function template(locale: Locale, key: MessageKey): string {
  return lookup(CATALOGS[locale], key) ?? lookup(CATALOGS.en, key) ?? key;
}

/** The message for a refusal's problem, in the reader's language, with the values the refusal carries. */
export function problemText(locale: Locale, problem: Problem): string {
  const params = { ...problem.params };
  if (typeof params.field === 'string') params.field = template(locale, `field.${params.field}` as MessageKey);
  const key: MessageKey = `problem.${problem.code}`;
  return render(locale, key, template(locale, key), params);
}

/**
 * A text that is an ICU message: it has a `{name, plural, …}`, `{name, select, …}` or
 * `{name, selectordinal, …}` argument. Every other text is plain and only has {name} placeholders.
 */
export function isMessageFormat(text: string): boolean {
  return ICU_ARGUMENT.test(text);
}
const ICU_ARGUMENT = /\{\s*\w+\s*,\s*(?:plural|selectordinal|select)\s*,/;

/**
 * The argument names of a text, in order of first appearance: each `{name}` placeholder, and the
 * argument of each plural or select (not `#`, nor the texts of its branches). Counts braces the way
 * the `Placeholders` type does, so a catalog check sees what the compiler sees.
 */
export function argumentsOf(text: string): string[] {
  const names: string[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '}') depth = Math.max(0, depth - 1);
    else if (text[i] === '{') {
      depth++;
      if (depth % 2 === 1) {
        const name = /^\s*(\w+)\s*[,}]/.exec(text.slice(i + 1));
        if (name && !names.includes(name[1])) names.push(name[1]);
      }
    }
  }
  return names;
}

/** A plain text is filled cheaply; an ICU message is formatted by the plural rules of its language. */
function render(locale: Locale, key: string, text: string, params: Record<string, string | number>): string {
  if (!isMessageFormat(text)) return fill(text, params);
  try {
    return String(compiled(locale, key, text).format(params));
  } catch {
    // A value the message needs is missing (a refusal built without it): show the text, not a failure.
    return fill(text, params);
  }
}

/**
 * Each ICU message compiled once per language and key: catalogs never change while Samråd runs (a
 * key's text in a language, or its English fallback, is always the same), so the cache is filled on
 * first use and only read afterwards. At most one entry per counted text and language.
 */
const messages = new Map<string, IntlMessageFormat>();

function compiled(locale: Locale, key: string, text: string): IntlMessageFormat {
  const cacheKey = `${locale}:${key}`;
  let message = messages.get(cacheKey);
  if (!message) {
    message = new IntlMessageFormat(text, locale, undefined, { formatters: formattersOf(locale), ignoreTag: true });
    messages.set(cacheKey, message);
  }
  return message;
}

/**
 * The number, date and plural formatters of one language, shared by all its messages. A count (`#`)
 * is written without digit grouping, as the plain texts write their numbers (“1000 tecken”).
 */
const formatters = new Map<Locale, Formatters>();

function formattersOf(locale: Locale): Formatters {
  let found = formatters.get(locale);
  if (!found) {
    const once = <T>(cache: Map<string, T>, options: object | undefined, make: () => T): T => {
      const id = JSON.stringify(options ?? {});
      let value = cache.get(id);
      if (value === undefined) cache.set(id, (value = make()));
      return value;
    };
    const numbers = new Map<string, Intl.NumberFormat>();
    const dates = new Map<string, Intl.DateTimeFormat>();
    const plurals = new Map<string, Intl.PluralRules>();
    found = {
      getNumberFormat: (_locales, options) => once(numbers, options, () => new Intl.NumberFormat(locale, { useGrouping: false, ...(options as Intl.NumberFormatOptions) })),
      getDateTimeFormat: (_locales, options) => once(dates, options, () => new Intl.DateTimeFormat(locale, options)),
      getPluralRules: (_locales, options) => once(plurals, options, () => new Intl.PluralRules(locale, options)),
    };
    formatters.set(locale, found);
  }
  return found;
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
