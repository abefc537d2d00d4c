import type { Locale } from '../../bot/domain/meeting';
import { t, type MessageKey, type ParamsOf } from '../../bot/i18n';

/** A text of Samråd's catalog in one language, as a test looks for it on a card or a page. */
export type Catalog = <K extends MessageKey>(key: K, ...params: ParamsOf<K>) => string;

/** The catalog of one language. */
export const catalog =
  (locale: Locale): Catalog =>
  (key, ...params) =>
    t(locale, key, ...params);

/** Swedish: the scenarios' caseworker writes in Swedish. */
export const sv = catalog('sv');
/** Danish. */
export const da = catalog('da');
/** English. */
export const en = catalog('en');

/** Samråd's four languages: each as Teams names it (a person's `locale`) and a time zone of its country. */
export const LANGUAGES: readonly { locale: Locale; teams: string; zone: string }[] = [
  { locale: 'sv', teams: 'sv-SE', zone: 'Europe/Stockholm' },
  { locale: 'da', teams: 'da-DK', zone: 'Europe/Copenhagen' },
  { locale: 'fi', teams: 'fi-FI', zone: 'Europe/Helsinki' },
  { locale: 'en', teams: 'en-GB', zone: 'Europe/London' },
];
