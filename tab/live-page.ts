import { applyLanguage, languageSwitch, rememberedLanguage, rememberLanguage, type Language } from './language';
import { languageOf } from './clock';
import { fetchPoll, runLive, servedTexts, showMessage, type LiveControl } from './view';

/**
 * The live timer on a big screen, opened through the signed link on the meeting-mode card: a
 * plain browser, no Teams. It neither loads nor waits for the Teams library.
 *
 * The page is served in the meeting's language (or the one its address asks for with `?lang=`)
 * with every language's texts. The switch changes the language at once: the page's texts
 * now, the state's labels with a poll asked for at once in that language (`?lang=` on the state
 * too). The choice is written into the page's address (a reload keeps it) and kept in this
 * browser for this link (opening the link again keeps it).
 */
function main(): void {
  const root = document.getElementById('app');
  if (!root) return;
  const all = servedTexts();
  const served = languageOf(document.body.dataset.locale);
  const stateUrl = document.body.dataset.state;
  if (!all[served] || !stateUrl) return showMessage(root, 'Samråd');

  // The address's choice is what the server served; without one, this browser's earlier choice for this link.
  const asked = new URLSearchParams(location.search).get('lang')?.toLowerCase() ?? null;
  let language: Language = served;
  if (asked === served) rememberLanguage(stateUrl, served);
  else {
    const kept = rememberedLanguage(stateUrl);
    if (kept && all[kept]) language = kept;
  }
  const pollIn = (l: Language) => fetchPoll(`${stateUrl}?lang=${l}`);

  let control: LiveControl | undefined;
  const mark = languageSwitch((chosen) => {
    if (chosen === language || !all[chosen]) return;
    language = chosen;
    rememberLanguage(stateUrl, chosen);
    show(chosen, true);
    control?.switchTo(all[chosen], chosen, pollIn(chosen));
  });
  /** Puts the page in a language; the address says it when it was chosen (or differs from what the address asked). */
  const show = (l: Language, chosen: boolean) => {
    applyLanguage(l, all[l]);
    mark(l, all[l]);
    if (!chosen && l === served && (asked === null || asked === served)) return;
    const address = new URL(location.href);
    address.searchParams.set('lang', l);
    history.replaceState(history.state, '', address);
  };
  show(language, false);
  control = runLive(root, all[language], language, pollIn(language), { notFound: 'gone', gone: 'ended' });
}

main();
