import * as ACData from 'adaptivecards-templating';
import type { Locale } from '../bot/domain/meeting';
import { CATALOGS, type Catalog } from '../bot/i18n';

/** An Adaptive Card as JSON, ready to attach. */
export type AdaptiveCard = Record<string, unknown> & { type: 'AdaptiveCard'; version: string };

/** A line shown at the top of a card: a confirmation, an advice or a refusal. */
export interface Notice {
  text: string;
  color: 'Default' | 'Good' | 'Warning' | 'Attention';
}

/** What every card's data has: the reader's texts and the notices on top. */
export interface CardBase {
  t: Catalog;
  notices: Notice[];
}

/** The base data for a reader in a language. */
export function base(locale: Locale, notices: Notice[] = []): CardBase {
  return { t: CATALOGS[locale], notices };
}

const compiled = new Map<object, ACData.Template>();

/**
 * Expands a card template with its typed data. Values from people (names, purposes) are
 * inserted as text and never evaluated as template expressions.
 */
export function render<D extends CardBase>(template: object, data: D): AdaptiveCard {
  let tpl = compiled.get(template);
  if (!tpl) {
    tpl = new ACData.Template(template);
    compiled.set(template, tpl);
  }
  return tpl.expand({ $root: data }) as AdaptiveCard;
}
