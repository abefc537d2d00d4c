import type { ProblemCode } from '../domain/problems';
import type { en } from './en';

/** The shape every catalog has: the English one with each text widened to any string. */
export type Catalog = Widen<typeof en>;
type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

/** Every text's key, as a dotted path such as `when.title`. */
export type MessageKey = Paths<typeof en>;
type Paths<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Paths<T[K], `${P}${K}.`>;
}[keyof T & string];

/** The text of a key, as the English catalog has it (a union for a union of keys). */
export type TextOf<K extends MessageKey> = Lookup<typeof en, K>;
type Lookup<T, K extends string> = K extends `${infer Head}.${infer Rest}` ? (Head extends keyof T ? Lookup<T[Head], Rest> : never) : K extends keyof T ? T[K] : never;

/**
 * The argument names in a text. A text is either plain, with `{name}` placeholders, or an ICU message
 * such as `{count, plural, one {# möte} other {# möten}}` or `{kind, select, home {…} other {…}}`,
 * whose argument is named before its first comma. Braces are counted, so the texts of the branches
 * (`one {# möte}`) and `#` are never taken for placeholders; a `{name}` inside a branch is an argument
 * like any other (IntlMessageFormat fills it), and so is the argument of a plural inside a branch.
 * Catalog texts never quote braces with ICU apostrophes (`'{'`): the count would not see the quote.
 */
export type Placeholders<S> = S extends string ? NamesOf<Arguments<S>, string> : never;

/** The names of a text's `plural` and `selectordinal` arguments: their values are counts. */
export type CountArguments<S> = S extends string ? NamesOf<Arguments<S>, 'plural' | 'selectordinal'> : never;
type NamesOf<Found, Kind> = Found extends [infer Name, infer K] ? (K extends Kind ? Name : never) : never;

/** Each argument of a text as [name, kind], kind being 'plural', 'select', 'selectordinal' or '' for a plain {name}. */
type Arguments<S extends string> = Walk<S, [], never>;

/**
 * Walks a text from brace to brace, counting the depth: an opening brace that reaches an odd depth
 * (1 for the text's own arguments, 3 for one inside a branch) starts an argument, an even one a branch.
 * Tail-recursive, one step per brace, so long texts stay cheap to check.
 */
type Walk<S extends string, Depth extends unknown[], Found> = S extends `${infer Before}{${infer After}`
  ? Before extends `${string}}${infer Rest}`
    ? Walk<`${Rest}{${After}`, Shorter<Depth>, Found>
    : [...Depth, 0]['length'] extends 1 | 3 | 5 | 7
      ? Walk<After, [...Depth, 0], Found | ArgumentAt<After>>
      : Walk<After, [...Depth, 0], Found>
  : S extends `${string}}${infer Rest}`
    ? Walk<Rest, Shorter<Depth>, Found>
    : Found;
type Shorter<T extends unknown[]> = T extends [unknown, ...infer Rest] ? Rest : [];

/** The argument that starts right after an opening brace: `name}` or `name, plural, …`. */
type ArgumentAt<S extends string> = S extends `${infer Inside}}${string}`
  ? Inside extends `${infer Name},${infer Spec}`
    ? [Trim<Name>, Spec extends `${infer Kind},${string}` ? Trim<Kind> : Trim<Spec>]
    : [Trim<Inside>, '']
  : never;
type Trim<S extends string> = S extends ` ${infer R}` ? Trim<R> : S extends `${infer R} ` ? Trim<R> : S;

/** The values a text needs, by argument: a count for a plural, a text or a number for anything else. */
export type ValuesOf<S> = { [Name in Placeholders<S>]: Name extends CountArguments<S> ? number : string | number };

/** The values a text needs: every argument of the key's text, or nothing when it has none. */
export type ParamsOf<K extends MessageKey> = [Placeholders<TextOf<K>>] extends [never]
  ? [params?: Record<string, never>]
  : [params: ValuesOf<TextOf<K>>];

/** The problem codes whose message needs no values: the only ones a refusal may give without any. */
export type PlainProblemCode = { [C in ProblemCode]: [Placeholders<TextOf<`problem.${C}`>>] extends [never] ? C : never }[ProblemCode];
