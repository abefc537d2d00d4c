import { LIMITS, LOCALES, type Locale } from '../domain/meeting';
import { PAGE_DAYS_AFTER_MEETING } from '../domain/page-link';
import { t, type MessageKey, type ParamsOf } from '../i18n';
import { esc } from './print';

/** What the pages need of the configuration: the privacy page states the configured retention period. */
export interface SiteSettings {
  /** RETENTION_MONTHS: how long a meeting is kept after the last meeting of its follow-ups, or after a cancellation. */
  retentionMonths: number;
}

/** Each language named in itself, for the links between the pages' languages. */
const LANGUAGE_NAMES: Record<Locale, string> = { sv: 'Svenska', da: 'Dansk', fi: 'Suomi', en: 'English' };

/**
 * The pages the Teams app manifest links to: about, privacy and terms of use, in the reader's
 * language. The privacy page says in plain words, for a family member as much as for a
 * colleague, what Samråd stores, why, for how long (the configured retention period), who sees
 * what, and how to ask for access or erasure; with headings and lists, and links to the same page
 * in the other languages (`?lang=`). What it says of who sees what is the table in the README
 * ("What each role sees"), which `test/e2e/roles.e2e.test.ts` holds the cards and pages to.
 */
export function sitePage(page: 'about' | 'privacy' | 'terms', locale: Locale, site: SiteSettings = { retentionMonths: 6 }): string {
  const title = page === 'about' ? t(locale, 'app.name') : t(locale, page === 'privacy' ? 'site.privacyTitle' : 'site.termsTitle');
  const body = page === 'privacy' ? privacyBody(locale, site) : `<p>${esc(t(locale, page === 'about' ? 'site.about' : 'site.terms'))}</p>`;
  const path = page === 'about' ? '/' : `/${page}`;
  const others = LOCALES.filter((l) => l !== locale)
    .map((l) => `<li><a href="${path}?lang=${l}" lang="${l}" hreflang="${l}">${esc(LANGUAGE_NAMES[l])}</a></li>`)
    .join('');
  return `<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)} · Samråd</title>
<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em;line-height:1.5;color:#1a1a1a;background:#fff}a{color:#0b4fa8}h2{margin-top:1.8em}li{margin:.3em 0}nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.4em 1.2em}nav a{display:inline-block;padding:.2em 0}:focus-visible{outline:3px solid #b5340b;outline-offset:2px}</style></head>
<body>
<main>
<h1>${esc(title)}</h1>
${body}
</main>
<nav aria-label="${esc(t(locale, 'site.privacyPage.languages'))}"><ul>${others}</ul></nav>
</body>
</html>
`;
}

/** The privacy page's text: what is stored, why, for how long, who sees what, and the reader's rights. */
function privacyBody(locale: Locale, site: SiteSettings): string {
  const tr = <K extends MessageKey>(key: K, ...params: ParamsOf<K>) => esc(t(locale, key, ...params));
  const list = (items: string[]) => `<ul>${items.map((item) => `<li>${item}</li>`).join('')}</ul>`;
  return [
    `<p>${tr('site.privacy')}</p>`,
    `<h2>${tr('site.privacyPage.storeTitle')}</h2>`,
    `<p>${tr('site.privacyPage.storeIntro')}</p>`,
    list([tr('site.privacyPage.storeNames'), tr('site.privacyPage.storeAnswers'), tr('site.privacyPage.storeMeeting'), tr('site.privacyPage.storeFeedback'), tr('site.privacyPage.storeMinutes')]),
    `<p>${tr('site.privacyPage.storeNot')}</p>`,
    `<h2>${tr('site.privacyPage.whyTitle')}</h2>`,
    `<p>${tr('site.privacyPage.why')}</p>`,
    `<p>${tr('site.privacyPage.whyRecord')}</p>`,
    `<h2>${tr('site.privacyPage.howLongTitle')}</h2>`,
    `<p>${tr('site.privacyPage.howLong', { months: site.retentionMonths })}</p>`,
    `<p>${tr('site.privacyPage.howLongMore', { days: LIMITS.draftDays })}</p>`,
    `<p>${tr('site.privacyPage.howLongLink', { days: PAGE_DAYS_AFTER_MEETING })}</p>`,
    `<h2>${tr('site.privacyPage.whoTitle')}</h2>`,
    `<p>${tr('site.privacyPage.whoIntro')}</p>`,
    list([
      tr('site.privacyPage.whoCaseworker'),
      tr('site.privacyPage.whoChair'),
      tr('site.privacyPage.whoInvitees'),
      tr('site.privacyPage.whoPage'),
      tr('site.privacyPage.whoCoordinators'),
      tr('site.privacyPage.whoDpo'),
    ]),
    `<p>${tr('site.privacyPage.whoNever')}</p>`,
    `<h2>${tr('site.privacyPage.rightsTitle')}</h2>`,
    `<p>${tr('site.privacyPage.rights')}</p>`,
    `<p>${tr('site.privacyPage.rightsDpo')}</p>`,
    `<p>${tr('site.privacyPage.rightsController')}</p>`,
  ].join('\n');
}
