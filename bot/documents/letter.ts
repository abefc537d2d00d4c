import { DateTime } from 'luxon';
import type { Locale, Meeting, Participant } from '../domain/meeting';
import type { CaseworkerContact } from '../domain/user';
import { isFirstInvitation } from '../domain/change';
import { speakerOrder } from '../domain/planning';
import { t, type MessageKey, type ParamsOf } from '../i18n';
import { esc, noticePage, PAGE_MARGIN_MM, printableHead } from './print';
import { clientName, formatPlace, formatWhen, meetingFacts, personLabel, type Fact } from '../../cards/format';

/**
 * Where the recipient's postal address is printed on A4 so that a C5 or DL window envelope
 * shows it (the window of DIN 5008 form B, common in the Nordic countries): the block's top left corner 20 mm from the
 * left edge and 45 mm from the top of the sheet, 90 × 45 mm. The page has 20 mm margins, so
 * the block sits at the left of the page area, 25 mm below its top; its inner padding keeps
 * the text clear of the window's edges when the sheet shifts in the envelope.
 */
export const ENVELOPE_WINDOW = { leftMm: 20, topMm: 45, widthMm: 90, heightMm: 45 } as const;

/** What a mail program reliably accepts in a `mailto:` body, in characters of plain text. */
export const MAILTO_BODY_MAX = 1800;

/**
 * The printable letter for someone outside Teams, in the language the caseworker chose for
 * them: an invitation (the same facts as the Teams invitation, how to answer, an answer slip
 * and the short text on what a network meeting is), a changed invitation that replaces the
 * earlier one (only for someone who had one: a person the last change added gets a first
 * invitation), or, for a cancelled meeting, the cancellation.
 *
 * `contact` is what the caseworker entered about themselves; without it the letter says so
 * and never makes anything up. `now` dates the letter (in the meeting's time zone). For a
 * recipient by post the address is printed where a window envelope shows it; for a recipient
 * by e-mail the page offers the same text as a `mailto:` link for the caseworker's own mail
 * program. Every value is HTML-escaped; the print button's script carries the page's nonce.
 *
 * `pageUrl` is the person's own page (`services/pages.ts`): an invitation (the client's too)
 * prints it where it says how to answer, and the e-mail text carries it there; a cancellation
 * has no answer and never prints it.
 */
export function invitationLetter(meeting: Meeting, invitee: Participant, contact: CaseworkerContact | undefined, now: DateTime, nonce: string, pageUrl?: string): string {
  const locale = invitee.language;
  const letter = compose(meeting, invitee, contact, now, pageUrl);
  const windowed = invitee.contact.kind === 'post';
  const w = ENVELOPE_WINDOW;
  return `${printableHead(locale, letter.title, 42, `body{line-height:1.5}
h1{font-size:1.6em}h2{font-size:1.2em}th{text-align:left;padding-right:1em;vertical-align:top}td,th{padding-bottom:.4em}
.tools p{margin:.4em 0}.warn{color:#8a1c00;font-weight:bold}
.letterhead{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:flex-start;gap:1em}
.window{margin:0;font-style:normal}.dated{margin:0 0 0 auto}
.changed{border-left:4px solid #111;padding-left:.8em}
.page-link a{color:#111;font-family:'Courier New',monospace;overflow-wrap:anywhere;word-break:break-all}
aside{border-top:1px solid #999;margin-top:2em;padding-top:1em;font-size:.95em}
.slip{border-top:2px dashed #444;margin-top:2.5em;padding-top:.8em;break-inside:avoid;page-break-inside:avoid}
.cut{font-size:.85em;color:#444;margin:0 0 .8em}
.choices{list-style:none;padding:0}.choices li{margin:.5em 0}
.box{display:inline-block;width:1em;height:1em;border:1px solid #111;margin-right:.6em;vertical-align:-.15em}
.fill{display:block;border-bottom:1px solid #111;height:1.8em}
@media print{
body{font-size:11pt}
.letterhead.windowed{display:block;position:relative;height:${w.topMm + w.heightMm - PAGE_MARGIN_MM}mm;margin-bottom:8mm}
.window{position:absolute;left:${w.leftMm - PAGE_MARGIN_MM}mm;top:${w.topMm - PAGE_MARGIN_MM}mm;width:${w.widthMm}mm;height:${w.heightMm}mm;padding:5mm 5mm 0;box-sizing:border-box;overflow:hidden;font-family:Arial,Helvetica,sans-serif;font-size:10pt;line-height:1.3}
.letterhead.windowed .dated{position:absolute;right:0;top:${w.topMm - PAGE_MARGIN_MM}mm}
}`)}
<body>
<div class="tools">
<button id="print">${esc(t(locale, 'letter.print'))}</button>
${windowed ? `<p>${esc(t(locale, 'letter.printHint'))}</p>` : ''}
${invitee.contact.kind === 'email' ? emailTools(invitee.contact.email, letter, locale) : ''}
${letter.contactKnown ? '' : `<p class="warn">${esc(t(locale, 'letter.contactMissingHint'))}</p>`}
</div>
<div class="letterhead${windowed ? ' windowed' : ''}">
${invitee.contact.kind === 'post' ? `<address class="window">${addressLines(invitee, invitee.contact.address)}</address>` : ''}
<p class="dated">${esc(letter.dated)}</p>
</div>
<h1>${esc(letter.title)}</h1>
${letter.changed.length ? `<div class="changed">${letter.changed.map((p) => `<p>${esc(p)}</p>`).join('')}</div>` : ''}
<p>${esc(letter.greeting)}</p>
${letter.paragraphs.map((p) => `<p>${esc(p)}</p>`).join('\n')}
<table>${letter.facts.map((f) => `<tr><th>${esc(f.title)}</th><td>${esc(f.value)}</td></tr>`).join('')}</table>
${letter.lists.map((l) => `<h2>${esc(l.title)}</h2><ul>${l.items.map((i) => `<li>${i.lead ? `<strong>${esc(i.lead)}:</strong> ` : ''}${esc(i.text)}</li>`).join('')}</ul>`).join('\n')}
${letter.closing.map((p) => `<p>${esc(p)}</p>`).join('\n')}
${letter.answer ? `<h2>${esc(letter.answer.title)}</h2><p>${esc(letter.answer.onPaper)}</p>${letter.answer.page ? `<p class="page-link">${esc(letter.answer.page.label)} <a href="${esc(letter.answer.page.url)}">${esc(letter.answer.page.url)}</a></p>` : ''}` : ''}
<p class="contact-title"><strong>${esc(letter.contact.title)}</strong></p>
${contactHtml(letter.contact)}
<p>${esc(letter.regards)}<br>${esc(letter.signer)}</p>
${letter.leaflet ? `<aside><h2>${esc(letter.leaflet.title)}</h2><p>${esc(letter.leaflet.text)}</p></aside>` : ''}
${letter.slip ? slipHtml(letter.slip, locale) : ''}
<script nonce="${esc(nonce)}">document.getElementById('print').addEventListener('click',function(){window.print()})</script>
</body>
</html>
`;
}

/** The page shown instead of a letter: an expired or altered link, or a letter that cannot be read now. */
export function letterMissing(locale: Locale, reason: 'expired' | 'unavailable'): string {
  return noticePage(locale, t(locale, `letter.${reason}`));
}

/**
 * A `mailto:` URI whose subject and body are the letter as plain text (RFC 6068): every value
 * percent-encoded as UTF-8, line breaks as %0D%0A. The body is kept within MAILTO_BODY_MAX
 * characters: the leaflet goes first, then the longest lists are shortened.
 */
export function mailtoLink(email: string, letter: Letter): string {
  // The address is percent-encoded too, except the one @ that every mail program expects as is.
  const to = encodeURIComponent(wellFormed(email)).replace(/%40/g, '@');
  return `mailto:${to}?subject=${encodeURIComponent(wellFormed(letter.subject))}&body=${encodeURIComponent(wellFormed(plainText(letter, MAILTO_BODY_MAX)))}`;
}

/** A lone UTF-16 surrogate (which encodeURIComponent refuses) replaced by U+FFFD. */
function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** A list in the letter: a title and its items, each with an optional lead ("Client: Anna"). */
interface List {
  title: string;
  items: { lead?: string; text: string }[];
}

interface ContactBlock {
  title: string;
  /** The caseworker's details as they entered them; empty when they have entered none. */
  facts: Fact[];
  /** Said plainly when there are no details. */
  missing?: string;
}

interface Slip {
  title: string;
  about: string;
  choices: string[];
  name: string;
  comment: string;
  returnTo: string;
}

/** A letter as content, drawn once and rendered both as the HTML page and as the e-mail text. */
export interface Letter {
  title: string;
  subject: string;
  dated: string;
  /** For a changed meeting: that this invitation replaces the earlier one, and what changed. */
  changed: string[];
  greeting: string;
  paragraphs: string[];
  facts: Fact[];
  lists: List[];
  /** After the lists: why everyone's presence matters, or the reason of a cancellation. */
  closing: string[];
  /** How to answer: on paper, by e-mail, and on the person's own page when they have a link (`page`). */
  answer?: { title: string; onPaper: string; byEmail: string; page?: { label: string; url: string } };
  contact: ContactBlock;
  contactKnown: boolean;
  regards: string;
  signer: string;
  leaflet?: { title: string; text: string };
  slip?: Slip;
}

/** The content of one person's letter, in their language; `pageUrl` is their own page, printed with how to answer (never on a cancellation). */
export function compose(meeting: Meeting, invitee: Participant, contact: CaseworkerContact | undefined, now: DateTime, pageUrl?: string): Letter {
  const locale = invitee.language;
  const tr = <K extends MessageKey>(key: K, ...params: ParamsOf<K>) => t(locale, key, ...params);
  const forClient = invitee.group === 'client';
  // The caseworker by the name they entered for letters, else as the meeting names them.
  const organizer = contact?.name?.trim() || (meeting.participants.find((p) => p.isOrganizer)?.name ?? meeting.organizer.name);
  const zone = meeting.when?.timeZone ?? 'utc';
  const dateText = (dt: DateTime) => dt.setZone(zone).setLocale(locale).toLocaleString({ day: 'numeric', month: 'long', year: 'numeric' });
  const meetingDate = meeting.when ? dateText(DateTime.fromISO(meeting.when.start, { zone: 'utc' })) : '';
  const details = contactFacts(contact, locale);
  const contactKnown = details.length > 0;
  const base = {
    dated: tr('letter.dated', { date: dateText(now) }),
    greeting: tr('letter.greeting', { name: invitee.name }),
    contactKnown,
    regards: tr('letter.regards'),
    signer: organizer,
  };

  if (meeting.status === 'cancelled') {
    const title = tr('letter.cancelledTitle');
    const facts: Fact[] = [];
    if (meeting.when) facts.push({ title: tr('letter.plannedTime'), value: formatWhen(meeting.when, { locale }) });
    if (meeting.place) facts.push({ title: tr('field.place'), value: formatPlace(meeting.place, locale) });
    const reason = meeting.cancelled?.reason?.trim();
    return {
      ...base,
      title,
      subject: meetingDate ? `${title} – ${meetingDate}` : title,
      changed: [],
      paragraphs: [forClient ? tr('letter.cancelledBodyClient', { organizer }) : tr('letter.cancelledBody')],
      facts,
      lists: [],
      closing: reason ? [tr('letter.cancelledReason', { reason })] : [],
      contact: { title: tr('letter.cancelledContact'), facts: details, ...(contactKnown ? {} : { missing: tr('letter.contactMissing') }) },
    };
  }

  // Someone a change added has never had an invitation: theirs is a first one, not a changed one.
  const changedMeeting = !isFirstInvitation(meeting, invitee);
  const title = tr(changedMeeting ? 'letter.changedTitle' : 'letter.title');
  const what = meeting.lastChange?.what ?? [];
  const changed = changedMeeting
    ? [
        tr('letter.replaces'),
        ...(what.length ? [tr('letter.changedWhat', { what: what.map((k) => tr(`letter.changeKind.${k}`)).join(', ') })] : []),
        ...(what.includes('time') ? [tr('letter.answerAgain', { organizer })] : []),
      ]
    : [];
  const client = clientName(meeting, locale);
  const paragraphs = forClient
    ? [tr('letter.bodyClient', { organizer }), tr('letter.clientExpert')]
    : [tr('letter.body', { client, organizer })];
  const people = speakerOrder(meeting.participants).map((p) => ({
    lead: tr(`group.${p.group}`),
    text: forClient && p.id === invitee.id ? tr('letter.you', { name: p.name }) : personLabel(p, locale),
  }));
  const lists: List[] = [{ title: forClient ? tr('letter.invitedClient') : tr('invitation.invited'), items: people }];
  const topics = meeting.why?.topics ?? [];
  if (topics.length) lists.push({ title: tr('field.topics'), items: topics.map((text) => ({ text })) });
  const who = [contact?.name, contact?.organisation].map((s) => s?.trim()).filter(Boolean).join(', ');
  return {
    ...base,
    title,
    subject: meetingDate ? `${title} – ${meetingDate}` : title,
    changed,
    paragraphs,
    facts: meetingFacts(meeting, { locale }),
    lists,
    closing: forClient ? [] : [tr('letter.important')],
    answer: {
      title: tr('letter.answerTitle'),
      onPaper: tr('letter.answer', { organizer }),
      byEmail: tr('letter.answerByEmail', { organizer }),
      // Only a web address is printed as the person's page: nothing else becomes a link.
      ...(pageUrl && /^https?:\/\/[^\s]+$/.test(pageUrl) ? { page: { label: tr('letter.pageLink'), url: pageUrl } } : {}),
    },
    contact: { title: tr('letter.contactTitle'), facts: details, ...(contactKnown ? {} : { missing: tr('letter.contactMissing') }) },
    leaflet: { title: tr('invitation.leafletTitle'), text: tr('invitation.leaflet') },
    slip: {
      title: tr('letter.slipTitle'),
      about: tr('letter.slipAbout', { date: meetingDate }),
      choices: [tr('letter.slipComing'), tr('letter.slipNotComing'), tr('letter.slipMaybe')],
      name: tr('letter.slipName'),
      comment: tr('letter.slipComment'),
      returnTo: who ? tr('letter.slipReturn', { to: who }) : tr('letter.slipReturnUnknown'),
    },
  };
}

/**
 * The letter as the plain text of an e-mail, within `max` characters: first whole, then
 * without the leaflet, then with the lists cut shorter and shorter ("… (+12)"), then with the
 * long values (purpose, form, place) shortened, and as a last resort cut at the end.
 */
export function plainText(letter: Letter, max: number): string {
  const full = render(letter, letter.lists, true);
  if (full.length <= max) return full;
  const withoutLeaflet = render(letter, letter.lists, false);
  if (withoutLeaflet.length <= max) return withoutLeaflet;
  const longest = Math.max(0, ...letter.lists.map((l) => l.items.length));
  for (let keep = longest - 1; keep >= 1; keep--) {
    const lists = letter.lists.map((l) => shortened(l, keep));
    const text = render(letter, lists, false);
    if (text.length <= max) return text;
  }
  // Then the long values (purpose, form, place) are shortened, so how to answer is never lost.
  const shortest = letter.lists.map((l) => shortened(l, 1));
  for (const cap of [600, 300, 150, 80]) {
    const facts = letter.facts.map((f) => (f.value.length > cap ? { ...f, value: cut(f.value, cap) } : f));
    const text = render({ ...letter, facts }, shortest, false);
    if (text.length <= max) return text;
  }
  return cut(render(letter, shortest, false), max);

  function shortened(list: List, keep: number): List {
    if (list.items.length <= keep) return list;
    const more = list.items.length - keep;
    return { ...list, items: [...list.items.slice(0, keep), { text: `… (+${more})` }] };
  }
}

/** The text cut to `max` characters with an ellipsis, never between the two halves of a character outside the BMP. */
function cut(text: string, max: number): string {
  return `${text.slice(0, max - 1).replace(/[\uD800-\uDBFF]$/, '').trimEnd()}…`;
}

function render(letter: Letter, lists: List[], leaflet: boolean): string {
  const blocks: string[] = [];
  if (letter.changed.length) blocks.push(letter.changed.join('\r\n'));
  blocks.push(letter.greeting);
  blocks.push(...letter.paragraphs);
  if (letter.facts.length) blocks.push(letter.facts.map((f) => `${f.title}: ${f.value}`).join('\r\n'));
  for (const list of lists) blocks.push([`${list.title}:`, ...list.items.map((i) => `- ${i.lead ? `${i.lead}: ` : ''}${i.text}`)].join('\r\n'));
  blocks.push(...letter.closing);
  if (letter.answer) blocks.push(letter.answer.page ? `${letter.answer.byEmail}\r\n${letter.answer.page.label} ${letter.answer.page.url}` : letter.answer.byEmail);
  const contact = letter.contact.facts.length ? letter.contact.facts.map((f) => `${f.title}: ${f.value}`) : [letter.contact.missing ?? ''];
  blocks.push([letter.contact.title, ...contact].join('\r\n'));
  blocks.push(`${letter.regards}\r\n${letter.signer}`);
  if (leaflet && letter.leaflet) blocks.push(`${letter.leaflet.title}\r\n${letter.leaflet.text}`);
  // One line break style throughout: whatever the caseworker typed becomes CRLF too.
  return blocks.join('\r\n\r\n').replace(/\r?\n/g, '\r\n');
}

/** The caseworker's details they entered, each with its label; blanks are left out. */
function contactFacts(contact: CaseworkerContact | undefined, locale: Locale): Fact[] {
  if (!contact) return [];
  const rows = [
    ['letter.contactName', contact.name],
    ['letter.contactOrganisation', contact.organisation],
    ['letter.contactPhone', contact.phone],
    ['letter.contactEmail', contact.email],
  ] as const;
  return rows.filter(([, value]) => value?.trim()).map(([key, value]) => ({ title: t(locale, key), value: value!.trim() }));
}

function contactHtml(block: ContactBlock): string {
  if (!block.facts.length) return `<p class="contact-missing">${esc(block.missing ?? '')}</p>`;
  return `<table class="contact">${block.facts.map((f) => `<tr><th>${esc(f.title)}</th><td>${esc(f.value)}</td></tr>`).join('')}</table>`;
}

/**
 * The recipient's own postal address, line by line, as the caseworker entered it; their name
 * first unless the address already begins with it. Nothing else goes in the window.
 */
function addressLines(invitee: Participant, address: string): string {
  const lines = address.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const name = invitee.name.trim().toLocaleLowerCase();
  const first = lines[0]?.toLocaleLowerCase() ?? '';
  const named = first === name || first.startsWith(`${name} `) || first.startsWith(`${name},`);
  return (named ? lines : [invitee.name.trim(), ...lines]).map(esc).join('<br>');
}

function emailTools(email: string, letter: Letter, locale: Locale): string {
  return `<p>${esc(t(locale, 'letter.emailTo'))} <a class="mailto" href="${esc(mailtoLink(email, letter))}">${esc(email)}</a></p><p>${esc(t(locale, 'letter.emailHint'))}</p>`;
}

function slipHtml(slip: Slip, locale: Locale): string {
  return `<section class="slip">
<p class="cut" aria-hidden="true">✂ - - - ${esc(t(locale, 'letter.slipCut'))} - - -</p>
<h2>${esc(slip.title)}</h2>
<p>${esc(slip.about)}</p>
<ul class="choices">${slip.choices.map((c) => `<li><span class="box"></span>${esc(c)}</li>`).join('')}</ul>
<p>${esc(slip.name)}:<span class="fill"></span></p>
<p>${esc(slip.comment)}:<span class="fill"></span><span class="fill"></span></p>
<p>${esc(slip.returnTo)}</p>
</section>`;
}
