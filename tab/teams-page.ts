import { app, authentication, pages } from '@microsoft/teams-js';
import { languageOf } from './clock';
import { applyLanguage, languageSwitch, rememberedLanguage, rememberLanguage, type Language } from './language';
import { el, fetchPoll, runLive, servedTexts, showMessage } from './view';
import type { LiveTexts, MeetingChoice } from './wire';

/**
 * The live timer as a Teams tab (meeting side panel, meeting stage, meeting chat and details
 * tabs) and the tab's configuration page. Inside Teams only: it initializes the Teams library,
 * reads the language and theme from the Teams context, and calls Samråd with the user's
 * single sign-on token (`authentication.getAuthToken`), which the server checks before it
 * shows a meeting to one of its participants. The timer has the big-screen page's language
 * switch: it opens in the Teams user's language, or in the one they chose for this meeting's
 * timer in this browser, asked for with Accept-Language.
 */

/** How long to wait for Teams before saying the page belongs in Teams. */
const TEAMS_WAIT_MS = 8000;

/** The tab's entity id names the meeting it shows. */
const ENTITY_PREFIX = 'samrad-live-';

async function main(): Promise<void> {
  const root = document.getElementById('app');
  if (!root) return;
  const all = servedTexts();
  let texts: LiveTexts = all[languageOf(navigator.language)] ?? all.en;
  showMessage(root, texts.loading);
  try {
    await Promise.race([app.initialize(), new Promise((_, reject) => setTimeout(() => reject(new Error('no Teams host')), TEAMS_WAIT_MS))]);
  } catch {
    return showMessage(root, texts.notInTeams);
  }
  const context = await app.getContext();
  let locale: Language = languageOf(context.app.locale);
  texts = all[locale] ?? texts;
  document.documentElement.lang = locale;
  document.title = texts.title;
  const theme = (name: string | undefined) => (document.documentElement.dataset.theme = name === 'dark' || name === 'contrast' ? name : 'default');
  theme(context.app.theme);
  app.registerOnThemeChangeHandler(theme);
  document.body.dataset.frame = String(context.page.frameContext ?? '');
  const token = ssoToken();
  const headers = async (): Promise<Record<string, string>> => ({ Authorization: `Bearer ${await token.get()}`, 'Accept-Language': locale });

  if (document.body.dataset.mode === 'teams-config') return configure(root, texts, headers, context.page.id);

  const meetingId = new URLSearchParams(location.search).get('meeting') ?? context.page.id.replace(ENTITY_PREFIX, '');
  const scope = `tab:${meetingId}`;
  const kept = rememberedLanguage(scope);
  if (kept && all[kept]) {
    locale = kept;
    texts = all[kept];
    applyLanguage(kept, texts);
  }
  const poll = fetchPoll(`/api/live/${encodeURIComponent(meetingId)}`, headers);
  // A token that expired in between is fetched again once; a second refusal stops the page.
  const polled = async (etag: string | undefined) => {
    const answer = await poll(etag);
    if (answer.status !== 401) return answer;
    token.forget();
    return poll(etag);
  };
  // The poll asks in `locale` (Accept-Language) whenever it goes out: switching changes it and polls at once.
  const mark = languageSwitch((chosen) => {
    if (chosen === locale || !all[chosen]) return;
    locale = chosen;
    rememberLanguage(scope, chosen);
    applyLanguage(chosen, all[chosen]);
    mark(chosen, all[chosen]);
    control.switchTo(all[chosen], chosen, polled);
  });
  mark(locale, texts);
  const control = runLive(root, texts, locale, polled, { notFound: 'notParticipant', gone: 'ended' });
}

/** The user's SSO token from Teams, kept until five minutes before it expires. */
function ssoToken(): { get(): Promise<string>; forget(): void } {
  let cached: { token: string; expires: number } | undefined;
  return {
    async get() {
      if (cached && cached.expires - 300_000 > Date.now()) return cached.token;
      const token = await authentication.getAuthToken();
      cached = { token, expires: expiryOf(token) };
      return token;
    },
    forget() {
      cached = undefined;
    },
  };
}

/** A token's `exp` (ms), read without checking it: only to know when to ask Teams for a new one. */
function expiryOf(token: string): number {
  try {
    const claims = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : 0;
  } catch {
    return 0;
  }
}

/**
 * The configuration page: the caseworker picks which of their meetings the tab shows (their
 * own list, by date and time only); Teams' Save button then stores the tab.
 */
async function configure(root: HTMLElement, texts: LiveTexts, headers: () => Promise<Record<string, string>>, current: string): Promise<void> {
  pages.config.setValidityState(false);
  let meetings: MeetingChoice[];
  try {
    const res = await fetch('/api/live', { headers: { Accept: 'application/json', ...(await headers()) }, cache: 'no-store', credentials: 'omit' });
    if (res.status === 401) return showMessage(root, texts.signInFailed);
    if (!res.ok) return showMessage(root, texts.offline);
    meetings = ((await res.json()) as { meetings: MeetingChoice[] }).meetings;
  } catch {
    return showMessage(root, texts.offline);
  }
  const form = el('form', 'pick');
  form.append(el('h1', 'phase', texts.pickTitle));
  if (meetings.length === 0) form.append(el('p', 'message', texts.pickNone));
  let chosen = '';
  for (const meeting of meetings) {
    const label = el('label', 'choice');
    const input = el('input');
    input.type = 'radio';
    input.name = 'meeting';
    input.value = meeting.meetingId;
    if (ENTITY_PREFIX + meeting.meetingId === current) {
      input.checked = true;
      chosen = meeting.meetingId;
    }
    input.addEventListener('change', () => {
      chosen = input.value;
      pages.config.setValidityState(true);
    });
    label.append(input, document.createTextNode(` ${meeting.title}`));
    form.append(label);
  }
  form.append(el('p', 'hint', texts.pickHint));
  form.addEventListener('submit', (event) => event.preventDefault());
  root.replaceChildren(form);
  if (chosen) pages.config.setValidityState(true);
  pages.config.registerOnSaveHandler((save) => {
    pages.config
      .setConfig({ entityId: ENTITY_PREFIX + chosen, contentUrl: `${location.origin}/tab/live?meeting=${encodeURIComponent(chosen)}`, suggestedDisplayName: texts.tabName })
      .then(() => save.notifySuccess())
      .catch((err: unknown) => save.notifyFailure(String(err)));
  });
}

void main();
