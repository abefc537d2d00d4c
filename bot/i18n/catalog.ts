import type { en } from './en';

/** The shape every catalog has: the English one with each text widened to any string. */
export type Catalog = Widen<typeof en>;
type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

/** Every text's key, as a dotted path such as `when.title`. */
export type MessageKey = Paths<typeof en>;
type Paths<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Paths<T[K], `${P}${K}.`>;
}[keyof T & string];
