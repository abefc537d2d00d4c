import { DateTime } from 'luxon';
import type { Group, Locale, Meeting, Participant, Place } from '../domain/meeting';
import type { MinutesContent } from '../domain/minutes';
import { speakerOrder } from '../domain/planning';
import { t, type MessageKey, type ParamsOf } from '../i18n';
import { formatPlace, personLabel, zoneLabel, type Fact } from '../../cards/format';
import { esc, printableHead } from './print';

/**
 * The minutes (sv promemoria, da referat, fi muistio) as a document: a printable A4 page and the
 * same as plain text (a Teams card's fallback, the journal), in the reader's language. Both are
 * drawn from one model, `minutesModel`, so they never say different things.
 *
 * **The home address stays out.** Minutes travel: they are printed, handed out, e-mailed and
 * pasted into other services' records, to everyone who was at the meeting and on from there. A
 * meeting held at the client's home says only "At the client's home", never the address (or
 * door code) the caseworker entered for the invitations, in the page and in the text alike. A
 * room or an online meeting is shown as entered: that is the organisation's room or link, not a
 * person's data. People are named as `personLabel` names them (name and relation); contact
 * details (addresses, e-mail addresses, Teams ids) never appear.
 *
 * Times are in the meeting's own time zone, always with the zone named ("svensk tid"), since the
 * minutes may be read across a border. Every value is HTML-escaped on the page; the print
 * button's script carries the page's nonce, as the letter's does.
 */

/** One person in a list of the minutes: their group ("Närstående") and how they are named. */
export interface PersonLine {
  group: Group;
  lead: string;
  text: string;
}

/** One agreement as the minutes show it, every value already in words. */
export interface ItemLine {
  what: string;
  who: string;
  due: string;
  with: string[];
  done: boolean;
  status: string;
}

/** What the minutes say, in one language, ready to render. */
export interface MinutesModel {
  locale: Locale;
  title: string;
  /** The date and the time (as held, else as planned). */
  when: Fact[];
  /** Place, chair and secretary. */
  facts: Fact[];
  /** Everyone who was there, in the fixed order (the client, the private network, the professionals); someone who left early says when. */
  present: PersonLine[];
  /** Expected and not there. */
  didNotCome: PersonLine[];
  purpose: string;
  topics: { text: string; covered: boolean; line: string }[];
  items: ItemLine[];
  /** The client's responsible worker, the follow-up meeting and how the minutes reach everyone: each said, "not decided" included. */
  outcome: Fact[];
  note?: string;
}

/** The minutes' content in the reader's language. */
export function minutesModel(meeting: Meeting, content: MinutesContent, locale: Locale): MinutesModel {
  const tr = <K extends MessageKey>(key: K, ...params: ParamsOf<K>) => t(locale, key, ...params);
  const zone = content.timeZone ?? meeting.when?.timeZone ?? 'UTC';
  const byId = new Map(meeting.participants.map((p) => [p.id, p]));
  const label = (id: string | undefined) => {
    const p = id ? byId.get(id) : undefined;
    return p ? personLabel(p, locale) : undefined;
  };
  const clock = (iso: string) => local(iso, zone, locale).toFormat('HH:mm');

  const when: Fact[] = [];
  const facts: Fact[] = [];
  const held = heldTimes(content);
  if (held) {
    const start = local(held.start, zone, locale);
    when.push({ title: tr('minutesDoc.date'), value: longDate(start) });
    when.push({ title: tr('minutesDoc.time'), value: tr('minutesDoc.timeValue', { start: start.toFormat('HH:mm'), end: clock(held.end), zone: zoneLabel(zone, locale, start) }) });
  }
  if (content.place) facts.push({ title: tr('field.place'), value: placeText(content.place, locale) });
  facts.push({ title: tr('field.chair'), value: label(content.chairId) ?? tr('minutesDoc.noRole') });
  facts.push({ title: tr('field.secretary'), value: label(content.secretaryId) ?? tr('minutesDoc.noRole') });

  const leftAt = new Map(content.leftEarly.map((l) => [l.participantId, l.at]));
  const attended = new Set([...content.present, ...leftAt.keys()]);
  const missing = new Set(content.didNotCome);
  const line = (p: Participant): PersonLine => {
    const name = personLabel(p, locale);
    const left = leftAt.get(p.id);
    return { group: p.group, lead: tr(`group.${p.group}`), text: left ? tr('minutesDoc.leftAt', { name, time: clock(left) }) : name };
  };
  const ordered = speakerOrder(meeting.participants);

  const items = content.items.map((item): ItemLine => ({
    what: item.text,
    who: label(item.ownerId) ?? tr('format.none'),
    due: dayText(item.due, zone, locale),
    with: item.withIds.map((id) => label(id)).filter((x): x is string => !!x),
    done: !!item.done,
    status: item.done ? tr('minutesDoc.done', { date: dayText(local(item.done.at, zone, locale).toFormat('yyyy-MM-dd'), zone, locale) }) : tr('minutesDoc.notDone'),
  }));

  const responsible = content.outcome.responsible;
  const followUp = content.outcome.followUp;
  const notDecided = tr('minutesDoc.notDecided');
  const outcome: Fact[] = [
    { title: tr('minutesDoc.responsible'), value: responsible && responsible !== 'undecided' ? (label(responsible) ?? notDecided) : notDecided },
    { title: tr('minutesDoc.followUp'), value: followUp && followUp !== 'undecided' ? dayText(followUp, zone, locale, true) : notDecided },
    { title: tr('minutesDoc.memo'), value: content.memoWays.length ? content.memoWays.map((way) => tr(`session.memoWay.${way}`)).join('; ') : tr('minutesDoc.memoNotAgreed') },
  ];

  return {
    locale,
    title: tr('minutesDoc.title'),
    when,
    facts,
    present: ordered.filter((p) => attended.has(p.id)).map(line),
    didNotCome: ordered.filter((p) => missing.has(p.id) && !attended.has(p.id)).map(line),
    purpose: content.purpose,
    topics: content.topics.map((topic) => ({ ...topic, line: tr('minutesDoc.topicLine', { topic: topic.text, state: tr(topic.covered ? 'minutesDoc.covered' : 'minutesDoc.notCovered') }) })),
    items,
    outcome,
    ...(content.note ? { note: content.note } : {}),
  };
}

/**
 * The printable minutes for one reader, in their language: an A4 page with a print button. `now`
 * dates the print (in the meeting's time zone). `draft` marks minutes not sent yet, so a page
 * printed for review is never taken for the final one.
 */
export function minutesHtml(meeting: Meeting, content: MinutesContent, locale: Locale, nonce: string, now: DateTime, options: { draft?: boolean } = {}): string {
  const m = minutesModel(meeting, content, locale);
  const zone = content.timeZone ?? meeting.when?.timeZone ?? 'UTC';
  const tr = <K extends MessageKey>(key: K, ...params: ParamsOf<K>) => t(locale, key, ...params);
  const people = (title: string, list: PersonLine[]) =>
    list.length ? `<h2>${esc(title)}</h2>\n<ul class="people">${list.map((p) => `<li><strong>${esc(p.lead)}:</strong> ${esc(p.text)}</li>`).join('')}</ul>` : '';
  const factRows = (facts: Fact[]) => facts.map((f) => `<tr><th scope="row">${esc(f.title)}</th><td>${esc(f.value)}</td></tr>`).join('');
  const items = m.items.length
    ? `<table class="items">
<thead><tr><th scope="col">${esc(tr('minutesDoc.what'))}</th><th scope="col">${esc(tr('minutesDoc.who'))}</th><th scope="col">${esc(tr('minutesDoc.due'))}</th><th scope="col">${esc(tr('minutesDoc.with'))}</th><th scope="col">${esc(tr('minutesDoc.status'))}</th></tr></thead>
<tbody>${m.items
        .map((i) => `<tr${i.done ? ' class="done"' : ''}><td>${esc(i.what)}</td><td>${esc(i.who)}</td><td>${esc(i.due)}</td><td>${i.with.length ? i.with.map(esc).join('<br>') : esc(tr('format.none'))}</td><td>${esc(i.status)}</td></tr>`)
        .join('\n')}</tbody>
</table>`
    : `<p>${esc(tr('minutesDoc.noItems'))}</p>`;
  const printed = local(now.toUTC().toISO()!, zone, locale);
  return `${printableHead(locale, m.title, 46, `body{line-height:1.45}
h1{font-size:1.6em;margin-bottom:.3em}h2{font-size:1.15em;margin:1.3em 0 .4em;break-after:avoid;page-break-after:avoid}
table{border-collapse:collapse}th{text-align:left;vertical-align:top}td,th{padding:.2em .8em .3em 0}
.facts th{white-space:nowrap}.outcome{margin-top:1.2em}
.items{width:100%;font-size:.95em}.items th,.items td{border-bottom:1px solid #999;padding:.3em .5em;vertical-align:top}
.items thead{display:table-header-group}.items tr{break-inside:avoid;page-break-inside:avoid}
.people{padding-left:1.2em;margin:.2em 0}.topics{list-style:none;padding-left:0;margin:.2em 0}.topics .mark{display:inline-block;width:1.4em}.items td:first-child{width:34%}
.note{white-space:pre-wrap}
.draft{border:2px solid #8a1c00;color:#8a1c00;font-weight:bold;padding:.3em .6em}
footer{border-top:1px solid #999;margin-top:2em;padding-top:.6em;font-size:.85em;color:#333}
@media print{body{font-size:10.5pt}a{color:inherit}}`)}
<body>
<div class="tools"><button type="button" id="print">${esc(tr('minutesDoc.print'))}</button></div>
<main>
<h1>${esc(m.title)}</h1>
${options.draft ? `<p class="draft">${esc(tr('minutesDoc.draft'))}</p>` : ''}
<table class="facts">${factRows([...m.when, ...m.facts])}</table>
${people(tr('minutesDoc.present'), m.present)}
${people(tr('minutesDoc.didNotCome'), m.didNotCome)}
<h2>${esc(tr('field.purpose'))}</h2>
<p class="note">${esc(m.purpose || tr('format.none'))}</p>
${m.topics.length ? `<h2>${esc(tr('field.topics'))}</h2>\n<ul class="topics">${m.topics.map((x) => `<li><span class="mark" aria-hidden="true">${x.covered ? '☑' : '☐'}</span>${esc(x.line)}</li>`).join('')}</ul>` : ''}
<h2>${esc(tr('minutesDoc.agreements'))}</h2>
${items}
<table class="facts outcome">${factRows(m.outcome)}</table>
${m.note ? `<h2>${esc(tr('minutesDoc.note'))}</h2>\n<p class="note">${esc(m.note)}</p>` : ''}
</main>
<footer><p>${esc(tr('minutesDoc.confidential'))}</p><p>${esc(tr('minutesDoc.printed', { date: longDate(printed) }))}</p></footer>
<script nonce="${esc(nonce)}">document.getElementById('print').addEventListener('click',function(){window.print()})</script>
</body>
</html>
`;
}

/** The minutes as plain text (lines end in \n, no markup): for a Teams card's fallback and the journal. */
export function minutesText(meeting: Meeting, content: MinutesContent, locale: Locale): string {
  const m = minutesModel(meeting, content, locale);
  return [m.title, ...minutesBlocks(m)].join('\n\n').replace(/\r\n?/g, '\n') + '\n';
}

/**
 * The blocks of the minutes' plain text, in order: the facts, who was there and who was not, the
 * purpose, the topics, the agreements, the outcome, the secretary's note. `when: false` leaves out
 * the date and time (a heading says them), `memo: false` how the minutes reach everyone (the
 * journal needs neither).
 */
export function minutesBlocks(m: MinutesModel, options: { when?: boolean; memo?: boolean } = {}): string[] {
  const tr = <K extends MessageKey>(key: K, ...params: ParamsOf<K>) => t(m.locale, key, ...params);
  const facts = (list: Fact[]) => list.map((f) => `${f.title}: ${f.value}`).join('\n');
  const people = (title: string, list: PersonLine[]) => (list.length ? [`${title}:\n${list.map((p) => `- ${p.lead}: ${p.text}`).join('\n')}`] : []);
  const outcome = options.memo === false ? m.outcome.slice(0, 2) : m.outcome;
  return [
    facts(options.when === false ? m.facts : [...m.when, ...m.facts]),
    ...people(tr('minutesDoc.present'), m.present),
    ...people(tr('minutesDoc.didNotCome'), m.didNotCome),
    `${tr('field.purpose')}:\n${m.purpose || tr('format.none')}`,
    ...(m.topics.length ? [`${tr('field.topics')}:\n${m.topics.map((x) => `- ${x.line}`).join('\n')}`] : []),
    `${tr('minutesDoc.agreements')}:\n${m.items.length ? m.items.map((i) => itemText(i, m.locale)).join('\n') : tr('minutesDoc.noItems')}`,
    facts(outcome),
    ...(m.note ? [`${tr('minutesDoc.note')}:\n${m.note}`] : []),
  ];
}

/** One agreement in plain text: what on the first line, who, by when, with whom and whether done on the second. */
function itemText(item: ItemLine, locale: Locale): string {
  const tr = <K extends MessageKey>(key: K, ...params: ParamsOf<K>) => t(locale, key, ...params);
  const details = [`${tr('minutesDoc.who')}: ${item.who}`, `${tr('minutesDoc.due')}: ${item.due}`, ...(item.with.length ? [`${tr('minutesDoc.with')}: ${item.with.join(', ')}`] : []), item.status];
  return `- ${item.what.replace(/\n+/g, ' ')}\n  ${details.join('. ')}.`;
}

/** When the meeting was held: from its start to its end as recorded, else as planned. */
export function heldTimes(content: MinutesContent): { start: string; end: string } | undefined {
  if (content.startedAt && content.endedAt) return { start: content.startedAt, end: content.endedAt };
  if (!content.start) return undefined;
  const start = DateTime.fromISO(content.start, { zone: 'utc' });
  return { start: content.start, end: start.plus({ minutes: content.durationMinutes ?? 0 }).toUTC().toISO()! };
}

/** The place as minutes may say it: a meeting at the client's home without its address. */
export function placeText(place: Place, locale: Locale): string {
  return place.kind === 'home' ? t(locale, 'place.home') : formatPlace(place, locale);
}

/** An instant in the meeting's zone and the reader's language. */
export function local(iso: string, zone: string, locale: Locale): DateTime {
  return DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone).setLocale(locale);
}

/** "måndag 7 december 2026". */
export function longDate(dt: DateTime): string {
  return dt.toLocaleString({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
}

/** A day (`yyyy-MM-dd`) in words: "15 januari 2027", with the weekday when asked. */
export function dayText(day: string, zone: string, locale: Locale, weekday = false): string {
  const dt = DateTime.fromISO(day, { zone }).setLocale(locale);
  if (!dt.isValid) return day;
  return weekday ? longDate(dt) : dt.toLocaleString({ day: 'numeric', month: 'long', year: 'numeric' });
}
