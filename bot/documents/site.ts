import type { Locale } from '../domain/meeting';
import { t } from '../i18n';
import { esc } from './print';

/** The pages the Teams app manifest links to: about, privacy and terms of use, in the reader's language. */
export function sitePage(page: 'about' | 'privacy' | 'terms', locale: Locale): string {
  const title = page === 'about' ? t(locale, 'app.name') : t(locale, page === 'privacy' ? 'site.privacyTitle' : 'site.termsTitle');
  const body = t(locale, page === 'about' ? 'site.about' : page === 'privacy' ? 'site.privacy' : 'site.terms');
  return `<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em;line-height:1.5}</style></head>
<body><h1>${esc(title)}</h1><p>${esc(body)}</p></body>
</html>
`;
}
