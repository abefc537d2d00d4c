import { languageOf } from './clock';
import { fetchPoll, runLive, servedTexts, showMessage } from './view';

/**
 * The live timer on a big screen, opened through the signed link on the meeting-mode card: a
 * plain browser, no Teams. It neither loads nor waits for the Teams library. The page names its
 * state endpoint and the language it was served in (from the browser's Accept-Language).
 */
function main(): void {
  const root = document.getElementById('app');
  if (!root) return;
  const all = servedTexts();
  const locale = languageOf(document.body.dataset.locale);
  const texts = all[locale] ?? all.en;
  const stateUrl = document.body.dataset.state;
  if (!texts || !stateUrl) return showMessage(root, 'Samråd');
  runLive(root, texts, locale, fetchPoll(stateUrl), { notFound: 'gone', gone: 'ended' });
}

main();
