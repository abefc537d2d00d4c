import type { Meeting, Participant } from '../domain/meeting';
import { speakerOrder } from '../domain/planning';
import { t } from '../i18n';
import { clientName, meetingFacts, personLabel } from '../../cards/format';

/**
 * The printable invitation letter for someone outside Teams, in the language the caseworker
 * chose for them: the same facts as the Teams invitation, and the short text on what a network
 * meeting is. Every value is HTML-escaped.
 */
export function invitationLetter(meeting: Meeting, invitee: Participant, nonce: string): string {
  const locale = invitee.language;
  const reader = { locale };
  const organizer = meeting.participants.find((p) => p.isOrganizer)?.name ?? '';
  const client = clientName(meeting, locale);
  const intro =
    invitee.group === 'client' ? t(locale, 'letter.bodyClient', { organizer }) : t(locale, 'letter.body', { client, organizer });
  const facts = meetingFacts(meeting, reader)
    .map((f) => `<tr><th>${esc(f.title)}</th><td>${esc(f.value)}</td></tr>`)
    .join('');
  const people = speakerOrder(meeting.participants)
    .map((p) => `<li><strong>${esc(t(locale, `group.${p.group}`))}:</strong> ${esc(personLabel(p, locale))}</li>`)
    .join('');
  const topics = (meeting.why?.topics ?? []).map((topic) => `<li>${esc(topic)}</li>`).join('');
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<title>${esc(t(locale, 'letter.title'))}</title>
<style>
body{font-family:Georgia,'Times New Roman',serif;max-width:42em;margin:2em auto;padding:0 1em;line-height:1.5;color:#111}
h1{font-size:1.6em}th{text-align:left;padding-right:1em;vertical-align:top}td,th{padding-bottom:.4em}
aside{border-top:1px solid #999;margin-top:2em;padding-top:1em;font-size:.95em}
@media print{button{display:none}body{margin:0}}
</style>
</head>
<body>
<button id="print">${esc(t(locale, 'letter.print'))}</button>
<h1>${esc(t(locale, 'letter.title'))}</h1>
<p>${esc(t(locale, 'letter.greeting', { name: invitee.name }))}</p>
<p>${esc(intro)}</p>
<table>${facts}</table>
<h2>${esc(t(locale, 'invitation.invited'))}</h2>
<ul>${people}</ul>
${topics ? `<h2>${esc(t(locale, 'field.topics'))}</h2><ul>${topics}</ul>` : ''}
${invitee.group === 'client' ? '' : `<p>${esc(t(locale, 'letter.important'))}</p>`}
<p>${esc(t(locale, 'letter.answer', { organizer }))}</p>
<p>${esc(t(locale, 'letter.regards'))}<br>${esc(organizer)}</p>
<aside><h2>${esc(t(locale, 'invitation.leafletTitle'))}</h2><p>${esc(t(locale, 'invitation.leaflet'))}</p></aside>
<script nonce="${nonce}">document.getElementById('print').addEventListener('click',function(){window.print()})</script>
</body>
</html>
`;
}

/** The page shown instead of a letter: an expired or altered link, or a letter that cannot be read now. */
export function letterMissing(locale: Parameters<typeof t>[0], reason: 'expired' | 'unavailable'): string {
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>Samråd</title></head><body><p>${esc(t(locale, `letter.${reason}`))}</p></body></html>\n`;
}

/** Escapes text for HTML content and attribute values. */
export function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
