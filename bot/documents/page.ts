import { DateTime } from 'luxon';
import { ANSWERS, type Locale, type Meeting, type Participant, type ReplyDoc } from '../domain/meeting';
import { SCALES, type Feedback, type Scale } from '../domain/feedback';
import type { MinutesContent } from '../domain/minutes';
import type { ActionItem } from '../domain/plan';
import { speakerOrder } from '../domain/planning';
import type { CaseworkerContact } from '../domain/user';
import { t, type MessageKey, type ParamsOf } from '../i18n';
import { clientName, formatPlace, formatWhen, personLabel, type Fact } from '../../cards/format';
import { esc } from './print';
import { dayText, local, minutesModel, type PersonLine } from './minutes';

/**
 * A person's own page (`/p/<token>`), for the client, the private network and anyone else
 * outside Teams: their invitation and their answer while the meeting is ahead, then their
 * feedback, their action items and the minutes. Server-rendered HTML in the person's language,
 * with no script at all (it works with JavaScript off) and every form a plain POST to the page's
 * own address, answered with a redirect back to it (303).
 *
 * Only this person's view: their own answer, feedback and action items; of everyone else only
 * what the invitation says (who is invited) and, once sent, what the minutes say.
 *
 * **The client's home address is not on the page.** A meeting at the client's home says "At
 * your home" to the client and "At the client's home (the address is in your invitation)" to
 * everyone else, as the calendar file does. The link travels in e-mails and text messages, is
 * kept in browser histories and can be passed on; the letter or e-mail that carries the address
 * reaches the person by itself.
 *
 * Accessibility (WCAG 2.2 AA, checked with axe-core in `test/playground/page.playground.test.ts`):
 * `lang`, one `h1` and headings per part, a label for every input and a legend for every group,
 * errors next to their field (`aria-describedby`, `aria-invalid`) and summarized at the top with
 * links to the fields (and "Error:" in the title), the status after a form in a `role="status"`
 * box the redirect scrolls to, visible focus, 24-pixel targets, contrast of at least 4.5:1, a
 * layout that fits a 320-pixel screen. Every value is HTML-escaped.
 */

/** Where the meeting stands for the page: answering is open until it starts; feedback, items and minutes come after. */
export type PageStage = 'ahead' | 'running' | 'ended' | 'cancelled';

/** A form field an error belongs to (its id is `field-<name>`), or none for a message about the whole form. */
export type PageField = 'answer' | 'comment' | 'topic' | Scale | 'feedbackComment';

export interface PageError {
  field?: PageField;
  text: string;
}

/** Everything the page shows, for one person. */
export interface PageInput {
  meeting: Meeting;
  person: Participant;
  stage: PageStage;
  /** Feedback can be given (from the meeting's summary phase on). */
  feedbackOpen: boolean;
  /** Their answer, if it still holds. */
  reply?: ReplyDoc;
  feedback?: Feedback;
  /** Their own action items (they own them). */
  items: readonly ActionItem[];
  /** The minutes, once sent. */
  minutes?: MinutesContent;
  /** In the days before the follow-up meeting: its date and how many agreed action items are still open. */
  summary?: { followUp: string; open: number };
  /** The caseworker's contact details as they entered them. */
  contact?: CaseworkerContact;
  /** The page's own address (relative), where its forms are sent. */
  action: string;
  /** What the last form did, said at the top. */
  notice?: string;
  /** What was wrong with the form just sent. */
  errors?: PageError[];
  /** What was typed in the form just sent, shown again with its errors. */
  values?: Record<string, string>;
}

/** The page, as HTML; `nonce` is the style element's (the page's Content-Security-Policy allows nothing else). */
export function personalPage(input: PageInput, nonce: string): string {
  const { meeting, person } = input;
  const locale = person.language;
  const tr = <K extends MessageKey>(key: K, ...params: ParamsOf<K>) => t(locale, key, ...params);
  const errors = input.errors ?? [];
  const title = input.stage === 'cancelled' ? tr('letter.cancelledTitle') : pageTitle(meeting, locale);
  const parts: string[] = [];
  parts.push(`<h1>${esc(title)}</h1>`);
  if (input.notice) parts.push(`<div class="ok" role="status" id="msg"><p>${esc(input.notice)}</p></div>`);
  if (errors.length) parts.push(errorSummary(errors, locale));
  parts.push(`<p>${esc(tr('page.hello', { name: person.name }))}</p>`);

  if (input.stage === 'cancelled') {
    parts.push(`<p>${esc(person.group === 'client' ? tr('letter.cancelledBodyClient', { organizer: organizerName(meeting, input.contact) }) : tr('letter.cancelledBody'))}</p>`);
    const reason = meeting.cancelled?.reason?.trim();
    if (reason) parts.push(`<p>${esc(tr('letter.cancelledReason', { reason }))}</p>`);
    parts.push(factTable(invitationFacts(meeting, person, true)));
  } else {
    parts.push(`<p>${esc(tr('page.intro'))}</p>`);
    if (input.stage === 'ended') {
      if (input.summary) {
        const date = DateTime.fromISO(input.summary.followUp).setLocale(locale).toLocaleString(DateTime.DATE_FULL);
        parts.push(`<h2 id="summary">${esc(tr('nudge.summaryIntro', { date }))}</h2>\n<p>${esc(tr('nudge.summaryOpen', { count: input.summary.open }))}</p>`);
      }
      parts.push(feedbackPart(input, errors));
      parts.push(itemsPart(input));
      parts.push(minutesPart(input));
      parts.push(invitationPart(input, 'h2'));
    } else {
      parts.push(answerPart(input, errors));
      // From the meeting's summary phase on, feedback can be given before leaving (001).
      if (input.stage === 'running' && input.feedbackOpen) parts.push(feedbackPart(input, errors));
      parts.push(invitationPart(input, 'h2'));
    }
  }
  parts.push(contactPart(input));
  parts.push(`<p class="private">${esc(tr('page.private'))}</p>`);

  return pageHtml(locale, errors.length ? tr('page.errorPrefix', { title }) : title, nonce, parts.filter(Boolean).join('\n'));
}

/**
 * The fixed page shown instead of a person's page: `gone` for a genuine link that expired or was
 * replaced (410), `invalid` for anything else (404), `unavailable` when the store cannot be read
 * (503), `forbidden` for a form sent from another site (403). Nothing of any meeting is on it.
 */
export function pageRefused(locale: Locale, reason: 'gone' | 'invalid' | 'unavailable' | 'forbidden', nonce: string): string {
  return pageHtml(locale, 'Samråd', nonce, `<h1>Samråd</h1>\n<p>${esc(t(locale, `page.${reason}`))}</p>`);
}

/** A whole page for a phone: not indexed, no referrer to other sites, the style allowed by `nonce`, `main` as given. */
function pageHtml(locale: Locale, title: string, nonce: string, main: string): string {
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="same-origin">
<title>${esc(title)}</title>
<style nonce="${esc(nonce)}">${STYLE}</style>
</head>
<body>
<main>
${main}
</main>
</body>
</html>
`;
}

/** "Nätverksmöte 7 december 2026". */
export function pageTitle(meeting: Meeting, locale: Locale): string {
  if (!meeting.when) return t(locale, 'page.titleNoDate');
  const date = DateTime.fromISO(meeting.when.start, { zone: 'utc' }).setZone(meeting.when.timeZone).setLocale(locale).toLocaleString({ day: 'numeric', month: 'long', year: 'numeric' });
  return t(locale, 'page.title', { date });
}

// ---------------------------------------------------------------------------------------------

const STYLE = [
  ':root{color-scheme:light}',
  "body{margin:0;background:#fff;color:#1a1a1a;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;font-size:1.0625rem;line-height:1.5}",
  'main{max-width:40rem;margin:0 auto;padding:1rem 1rem 3rem}',
  'h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0 1rem}h2{font-size:1.3rem;margin:2rem 0 .6rem;padding-top:1rem;border-top:1px solid #767676}h3{font-size:1.1rem;margin:1.2rem 0 .4rem}',
  'a{color:#0b4fa8}',
  'table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:.3rem .6rem .3rem 0}th{font-weight:600;width:35%}',
  'fieldset{border:1px solid #767676;border-radius:4px;margin:0 0 1rem;padding:.6rem .9rem}legend{font-weight:600;padding:0 .3rem}',
  '.choice{display:flex;align-items:center;gap:.6rem;margin:.4rem 0}.choice label{padding:.2rem 0}',
  "input[type=radio]{width:1.5rem;height:1.5rem;margin:0;flex:none;accent-color:#0b4fa8}",
  '.scale{display:flex;flex-wrap:wrap;gap:.35rem .9rem;margin:.5rem 0 .2rem}.scale .choice{margin:0;gap:.3rem}',
  'label.field{display:block;font-weight:600;margin:.8rem 0 .3rem}',
  'textarea,input[type=text]{box-sizing:border-box;width:100%;font:inherit;padding:.5rem;border:2px solid #595959;border-radius:4px;background:#fff;color:#1a1a1a}',
  'textarea{min-height:6rem}',
  'button{font:inherit;font-weight:600;min-height:2.75rem;padding:.5rem 1.1rem;margin:.8rem 0 0;border:2px solid #0b4fa8;border-radius:4px;background:#0b4fa8;color:#fff;cursor:pointer}',
  'button.secondary{background:#fff;color:#0b4fa8}',
  ':focus-visible{outline:3px solid #b5340b;outline-offset:2px}',
  'input:focus,textarea:focus,button:focus{outline:3px solid #b5340b;outline-offset:2px}',
  '.hint{color:#4a4a4a;margin:.2rem 0 .4rem}',
  '.ok{border:2px solid #1e6b32;background:#eef7f0;padding:.2rem 1rem;margin:0 0 1rem}',
  '.problems{border:3px solid #b00020;padding:.2rem 1rem;margin:0 0 1rem}.problems h2{border:0;margin:.6rem 0;padding:0;font-size:1.2rem}',
  '.error{color:#b00020;font-weight:600;margin:.3rem 0}',
  '[aria-invalid=true]{border-color:#b00020}',
  '.items{list-style:none;padding:0;margin:0}.items li{border:1px solid #767676;border-radius:4px;padding:.6rem .9rem;margin:0 0 .8rem}.items p{margin:.2rem 0}',
  '.done{color:#1e6b32;font-weight:600}',
  '.note{white-space:pre-wrap}',
  '.private{margin-top:2rem;color:#4a4a4a;font-size:.95rem}',
  '.visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}',
].join('\n');

/** The errors of the form just sent, first on the page, each a link to its field. */
function errorSummary(errors: PageError[], locale: Locale): string {
  const items = errors.map((e) => (e.field ? `<li><a href="#${fieldAnchor(e.field)}">${esc(e.text)}</a></li>` : `<li>${esc(e.text)}</li>`));
  return `<div class="problems" role="alert" aria-labelledby="problems-title" id="problems">
<h2 id="problems-title">${esc(t(locale, 'page.errorTitle'))}</h2>
<ul>${items.join('')}</ul>
</div>`;
}

/** Where an error's link in the summary leads: the field, or a group's first choice. */
function fieldAnchor(field: PageField): string {
  if (field === 'answer') return 'answer-accepted';
  if ((SCALES as readonly string[]).includes(field)) return `score-${field}-1`;
  if (field === 'feedbackComment') return 'feedback-comment';
  return `answer-${field}`;
}

/** The error next to a field, with the id its input names in `aria-describedby`. */
function inlineError(errors: PageError[], field: PageField, locale: Locale): { html: string; id?: string } {
  const own = errors.filter((e) => e.field === field);
  if (!own.length) return { html: '' };
  const id = `error-${field}`;
  return { id, html: `<p class="error" id="${id}"><span class="visually-hidden">${esc(t(locale, 'page.error'))} </span>${own.map((e) => esc(e.text)).join(' ')}</p>` };
}

function describedBy(...ids: (string | undefined)[]): string {
  const list = ids.filter(Boolean);
  return list.length ? ` aria-describedby="${list.join(' ')}"` : '';
}

/** Their answer, and the form to give or change it while the meeting is ahead. */
function answerPart(input: PageInput, errors: PageError[]): string {
  const { person, reply, meeting } = input;
  const locale = person.language;
  const tr = <K extends MessageKey>(key: K, ...params: ParamsOf<K>) => t(locale, key, ...params);
  const out = [`<h2 id="answer">${esc(tr('page.answerTitle'))}</h2>`];
  out.push(`<p>${esc(reply ? tr('invitation.yourAnswer', { answer: tr(`status.${reply.answer}`) }) : tr('page.noAnswer'))}</p>`);
  if (input.stage !== 'ahead') {
    out.push(`<p>${esc(tr('page.running'))}</p>`);
    return out.join('\n');
  }
  const values = input.values ?? {};
  const chosen = values.answer ?? reply?.answer ?? '';
  const comment = values.comment ?? reply?.comment ?? '';
  const topic = values.topic ?? reply?.topic ?? '';
  const answerError = inlineError(errors, 'answer', locale);
  const commentError = inlineError(errors, 'comment', locale);
  const topicError = inlineError(errors, 'topic', locale);
  const labels = { accepted: tr('invitation.accept'), maybe: tr('invitation.maybe'), declined: tr('invitation.decline') };
  out.push(`<form method="post" action="${esc(input.action)}" accept-charset="utf-8" novalidate>
<input type="hidden" name="what" value="answer">
<input type="hidden" name="rev" value="${esc(String(meeting.planRev ?? meeting.rev))}">
<fieldset${describedBy('answer-hint', answerError.id)}>
<legend>${esc(tr('page.answerLegend'))}</legend>
<p class="hint" id="answer-hint">${esc(tr('page.answerHint'))}</p>
${answerError.html}
${(['accepted', 'maybe', 'declined'] as const satisfies readonly (typeof ANSWERS)[number][]).map(
  (a) =>
    `<div class="choice"><input type="radio" name="answer" id="answer-${a}" value="${a}"${chosen === a ? ' checked' : ''}${answerError.id ? ' aria-invalid="true"' : ''}><label for="answer-${a}">${esc(labels[a])}</label></div>`,
).join('\n')}
</fieldset>
<label class="field" for="answer-comment">${esc(tr('invitation.comment'))}</label>
${commentError.html}
<textarea id="answer-comment" name="comment" rows="4"${describedBy(commentError.id)}${commentError.id ? ' aria-invalid="true"' : ''}>${esc(comment)}</textarea>
<label class="field" for="answer-topic">${esc(tr('invitation.topic'))}</label>
${topicError.html}
<input type="text" id="answer-topic" name="topic" value="${esc(topic)}"${describedBy(topicError.id)}${topicError.id ? ' aria-invalid="true"' : ''}>
<button type="submit">${esc(tr('page.sendAnswer'))}</button>
</form>`);
  return out.join('\n');
}

/** What the invitation says: who invites, when and where, the purpose, who is invited, the topics. */
function invitationPart(input: PageInput, level: 'h2'): string {
  const { meeting, person } = input;
  const locale = person.language;
  const tr = <K extends MessageKey>(key: K, ...params: ParamsOf<K>) => t(locale, key, ...params);
  const organizer = organizerName(meeting, input.contact);
  const from = person.group === 'client' ? tr('invitation.fromClient', { organizer }) : tr('invitation.from', { organizer, client: clientName(meeting, locale) });
  const people = speakerOrder(meeting.participants).map(
    (p) => `<li><strong>${esc(tr(`group.${p.group}`))}:</strong> ${esc(person.group === 'client' && p.id === person.id ? tr('letter.you', { name: p.name }) : personLabel(p, locale))}</li>`,
  );
  const topics = meeting.why?.topics ?? [];
  return [
    `<${level} id="invitation">${esc(tr('page.invitationTitle'))}</${level}>`,
    `<p>${esc(from)}</p>`,
    factTable(invitationFacts(meeting, person, false)),
    `<h3>${esc(tr('invitation.invited'))}</h3>`,
    `<ul>${people.join('')}</ul>`,
    topics.length ? `<h3>${esc(tr('field.topics'))}</h3>\n<ul>${topics.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

/** When, how long, where (a home without its address), the purpose and form, the chair and the secretary. */
function invitationFacts(meeting: Meeting, person: Participant, short: boolean): Fact[] {
  const locale = person.language;
  const tr = <K extends MessageKey>(key: K, ...params: ParamsOf<K>) => t(locale, key, ...params);
  const facts: Fact[] = [];
  if (meeting.when) {
    facts.push({ title: tr(short ? 'letter.plannedTime' : 'field.when'), value: formatWhen(meeting.when, { locale }) });
    if (!short) facts.push({ title: tr('field.duration'), value: tr('format.minutes', { minutes: meeting.when.durationMinutes }) });
  }
  if (meeting.place) facts.push({ title: tr('field.place'), value: placeForPage(meeting, person) });
  if (short) return facts;
  if (meeting.why) {
    facts.push({ title: tr('field.purpose'), value: meeting.why.purpose });
    if (meeting.why.form) facts.push({ title: tr('field.form'), value: meeting.why.form });
  }
  const chair = meeting.participants.find((p) => p.id === meeting.chairId);
  const secretary = meeting.participants.find((p) => p.id === meeting.secretaryId);
  if (chair) facts.push({ title: tr('field.chair'), value: chair.name });
  if (secretary) facts.push({ title: tr('field.secretary'), value: secretary.name });
  return facts;
}

/** The place as the page says it: a meeting at the client's home never with its address. */
export function placeForPage(meeting: Meeting, person: Participant): string {
  const locale = person.language;
  if (!meeting.place) return '';
  if (meeting.place.kind === 'home') return t(locale, person.group === 'client' ? 'ics.homeLocationClient' : 'ics.homeLocation');
  return formatPlace(meeting.place, locale);
}

function factTable(facts: Fact[]): string {
  if (!facts.length) return '';
  return `<table>${facts.map((f) => `<tr><th scope="row">${esc(f.title)}</th><td class="note">${esc(f.value)}</td></tr>`).join('')}</table>`;
}

/** Their feedback: the four scales as the guide words them, once; or what they gave. */
function feedbackPart(input: PageInput, errors: PageError[]): string {
  const locale = input.person.language;
  const tr = <K extends MessageKey>(key: K, ...params: ParamsOf<K>) => t(locale, key, ...params);
  const out = [`<h2 id="feedback">${esc(tr('feedback.title'))}</h2>`];
  if (input.feedback) {
    out.push(`<p>${esc(tr('feedback.yours'))}</p>`);
    const rows: Fact[] = SCALES.map((s) => ({ title: tr(`feedback.scale.${s}`), value: `${input.feedback!.scores[s]} / 10` }));
    if (input.feedback.comment) rows.push({ title: tr('field.comment'), value: input.feedback.comment });
    out.push(factTable(rows));
    return out.join('\n');
  }
  if (!input.feedbackOpen) {
    out.push(`<p>${esc(tr('page.feedbackLater'))}</p>`);
    return out.join('\n');
  }
  const values = input.values ?? {};
  out.push(`<p>${esc(tr('feedback.intro'))}</p>`);
  const scales = SCALES.map((scale) => {
    const error = inlineError(errors, scale, locale);
    const chosen = values[scale] ?? '';
    const choices = Array.from({ length: 10 }, (_, i) => {
      const n = String(i + 1);
      const id = `score-${scale}-${n}`;
      return `<div class="choice"><input type="radio" name="${scale}" id="${id}" value="${n}"${chosen === n ? ' checked' : ''}${error.id ? ' aria-invalid="true"' : ''}><label for="${id}">${n}</label></div>`;
    });
    return `<fieldset id="scale-${scale}"${describedBy(`ends-${scale}`, error.id)}>
<legend>${esc(tr(`feedback.scale.${scale}`))}</legend>
<p class="hint" id="ends-${scale}">${esc(tr('page.scaleEnds', { low: tr(`feedback.low.${scale}`), high: tr(`feedback.high.${scale}`) }))}</p>
${error.html}
<div class="scale">${choices.join('')}</div>
</fieldset>`;
  });
  const commentError = inlineError(errors, 'feedbackComment', locale);
  out.push(`<form method="post" action="${esc(input.action)}" accept-charset="utf-8" novalidate>
<input type="hidden" name="what" value="feedback">
${scales.join('\n')}
<label class="field" for="feedback-comment">${esc(tr('feedback.comment'))}</label>
${commentError.html}
<textarea id="feedback-comment" name="comment" rows="4"${describedBy(commentError.id)}${commentError.id ? ' aria-invalid="true"' : ''}>${esc(values.comment ?? '')}</textarea>
<button type="submit">${esc(tr('feedback.send'))}</button>
</form>`);
  return out.join('\n');
}

/** Their own action items, each with a button to mark it done or not done. */
function itemsPart(input: PageInput): string {
  const { meeting, person } = input;
  const locale = person.language;
  const tr = <K extends MessageKey>(key: K, ...params: ParamsOf<K>) => t(locale, key, ...params);
  const zone = meeting.when?.timeZone ?? 'UTC';
  const out = [`<h2 id="items">${esc(tr('minutes.yourItems'))}</h2>`];
  if (!input.items.length) {
    out.push(`<p>${esc(tr('page.noItems'))}</p>`);
    return out.join('\n');
  }
  const names = new Map(meeting.participants.map((p) => [p.id, personLabel(p, locale)]));
  const rows = input.items.map((item) => {
    const key = item.id.replace(/[^A-Za-z0-9-]/g, '-');
    const withNames = item.withIds.map((id) => names.get(id)).filter((x): x is string => !!x);
    const status = item.done
      ? `<p class="done">${esc(tr('minutesDoc.done', { date: dayText(local(item.done.at, zone, locale).toFormat('yyyy-MM-dd'), zone, locale) }))}</p>`
      : `<p>${esc(tr('minutesDoc.notDone'))}</p>`;
    return `<li>
<p class="note" id="item-${key}"><strong>${esc(item.text)}</strong></p>
<p>${esc(tr('page.itemDue', { date: dayText(item.due, zone, locale) }))}</p>
${withNames.length ? `<p>${esc(tr('page.itemWith', { names: withNames.join(', ') }))}</p>` : ''}
${status}
<form method="post" action="${esc(input.action)}" accept-charset="utf-8">
<input type="hidden" name="what" value="item">
<input type="hidden" name="item" value="${esc(item.id.replace(/^action\./, ''))}">
<input type="hidden" name="done" value="${item.done ? 'no' : 'yes'}">
<button type="submit" class="secondary" aria-describedby="item-${key}">${esc(tr(item.done ? 'page.markNotDone' : 'page.markDone'))}</button>
</form>
</li>`;
  });
  out.push(`<ul class="items">${rows.join('\n')}</ul>`);
  return out.join('\n');
}

/** The minutes, once sent, as the printable minutes say them (`documents/minutes.ts`), headings one level down. */
function minutesPart(input: PageInput): string {
  const locale = input.person.language;
  const tr = <K extends MessageKey>(key: K, ...params: ParamsOf<K>) => t(locale, key, ...params);
  if (!input.minutes) return `<h2 id="minutes">${esc(tr('minutes.title'))}</h2>\n<p>${esc(tr('page.minutesLater'))}</p>`;
  const m = minutesModel(input.meeting, input.minutes, locale);
  const people = (title: string, list: PersonLine[]) =>
    list.length ? `<h3>${esc(title)}</h3>\n<ul>${list.map((p) => `<li><strong>${esc(p.lead)}:</strong> ${esc(p.text)}</li>`).join('')}</ul>` : '';
  const items = m.items.length
    ? `<ul>${m.items
        .map(
          (i) =>
            `<li><p class="note"><strong>${esc(i.what)}</strong></p><p>${esc(`${tr('minutesDoc.who')}: ${i.who}. ${tr('minutesDoc.due')}: ${i.due}.${i.with.length ? ` ${tr('minutesDoc.with')}: ${i.with.join(', ')}.` : ''} ${i.status}.`)}</p></li>`,
        )
        .join('')}</ul>`
    : `<p>${esc(tr('minutesDoc.noItems'))}</p>`;
  return [
    `<h2 id="minutes">${esc(tr('minutes.title'))}</h2>`,
    factTable([...m.when, ...m.facts]),
    people(tr('minutesDoc.present'), m.present),
    people(tr('minutesDoc.didNotCome'), m.didNotCome),
    `<h3>${esc(tr('field.purpose'))}</h3>\n<p class="note">${esc(m.purpose || tr('format.none'))}</p>`,
    m.topics.length ? `<h3>${esc(tr('field.topics'))}</h3>\n<ul>${m.topics.map((x) => `<li>${esc(x.line)}</li>`).join('')}</ul>` : '',
    `<h3>${esc(tr('minutesDoc.agreements'))}</h3>\n${items}`,
    factTable(m.outcome),
    m.note ? `<h3>${esc(tr('minutesDoc.note'))}</h3>\n<p class="note">${esc(m.note)}</p>` : '',
    `<p class="hint">${esc(tr('minutesDoc.confidential'))}</p>`,
  ]
    .filter(Boolean)
    .join('\n');
}

/** How to reach the caseworker: the details they entered themselves, or that there are none. */
function contactPart(input: PageInput): string {
  const locale = input.person.language;
  const tr = <K extends MessageKey>(key: K, ...params: ParamsOf<K>) => t(locale, key, ...params);
  const c = input.contact;
  const rows: Fact[] = c
    ? (
        [
          ['letter.contactName', c.name],
          ['letter.contactOrganisation', c.organisation],
          ['letter.contactPhone', c.phone],
          ['letter.contactEmail', c.email],
        ] as const
      )
        .filter(([, v]) => v?.trim())
        .map(([k, v]) => ({ title: tr(k), value: v.trim() }))
    : [];
  return [`<h2 id="contact">${esc(tr('page.contactTitle'))}</h2>`, rows.length ? factTable(rows) : `<p>${esc(organizerName(input.meeting, input.contact))}</p>`].join('\n');
}

/** The caseworker by the name they entered for letters, else as the meeting names them. */
function organizerName(meeting: Meeting, contact: CaseworkerContact | undefined): string {
  return contact?.name?.trim() || (meeting.participants.find((p) => p.isOrganizer)?.name ?? meeting.organizer.name);
}
