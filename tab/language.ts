import { LANGUAGE_NAMES, type LiveTexts } from './wire';

/**
 * The page's language switch (served as buttons in `#languages`) and the choice kept in the
 * browser. The choice is kept per timer (per signed link, or per meeting in the Teams tab), so a
 * language picked for one meeting never carries over to the next meeting on the same screen.
 */

export type Language = keyof typeof LANGUAGE_NAMES;

/** Where the choices are kept in localStorage, and how many timers' choices are kept at most. */
const STORAGE_KEY = 'samrad.live.language';
const KEPT = 20;

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(LANGUAGE_NAMES, value);
}

/**
 * Makes the served switch work and shows it: `choose` is called with the language pressed.
 * Returns the function that marks the language shown (and labels the switch in it).
 */
export function languageSwitch(choose: (language: Language) => void): (language: Language, texts: LiveTexts) => void {
  const group = document.getElementById('languages');
  if (!group) return () => undefined;
  const buttons = [...group.querySelectorAll<HTMLButtonElement>('button[data-lang]')];
  for (const button of buttons) {
    button.addEventListener('click', () => {
      const language = button.dataset.lang;
      if (isLanguage(language)) choose(language);
    });
  }
  (group.closest('header') ?? group).hidden = false;
  return (language, texts) => {
    group.setAttribute('aria-label', texts.language);
    for (const button of buttons) button.setAttribute('aria-pressed', String(button.dataset.lang === language));
  };
}

/** Puts the document in a language: its `lang` and its title. */
export function applyLanguage(language: Language, texts: LiveTexts): void {
  document.documentElement.lang = language;
  document.title = texts.title;
}

/** The language chosen earlier in this browser for this timer, if any. */
export function rememberedLanguage(scope: string): Language | undefined {
  const kept = readKept()[keyOf(scope)];
  return isLanguage(kept) ? kept : undefined;
}

/** Keeps the language chosen for this timer in this browser (the latest choices, a few timers' worth). */
export function rememberLanguage(scope: string, language: Language): void {
  const key = keyOf(scope);
  const kept = readKept();
  delete kept[key];
  kept[key] = language;
  const entries = Object.entries(kept).slice(-KEPT);
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(Object.fromEntries(entries)));
  } catch {
    // Storage may be off (private windows, policies): the choice then lasts as long as the page's address.
  }
}

function readKept(): Record<string, string> {
  try {
    const value = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/** A short key for a timer (a 32-bit FNV-1a hash), so that the link's token itself is not what is stored. */
function keyOf(scope: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < scope.length; i += 1) {
    hash ^= scope.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}
