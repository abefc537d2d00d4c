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

/** The {placeholder} names in a text. */
export type Placeholders<S> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never;

/** The values a text needs: every placeholder of the key's text, or nothing when it has none. */
export type ParamsOf<K extends MessageKey> = [Placeholders<TextOf<K>>] extends [never]
  ? [params?: Record<string, never>]
  : [params: Record<Placeholders<TextOf<K>>, string | number>];

/** The problem codes whose message needs no values: the only ones a refusal may give without any. */
export type PlainProblemCode = { [C in ProblemCode]: [Placeholders<TextOf<`problem.${C}`>>] extends [never] ? C : never }[ProblemCode];
