/**
 * Text as it comes from a card or a page, made safe to keep and show. Pure, and it imports
 * nothing, so every domain file may use it.
 */

/**
 * Text from a card: trimmed, inner whitespace collapsed unless line breaks are kept, no control
 * characters and no direction overrides; text made only of invisible characters is empty.
 */
export function clean(value: string, keepLines = false): string {
  const noControl = value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g, '');
  const text = keepLines ? noControl.replace(/[^\S\n]+/g, ' ').replace(/ ?\n ?/g, '\n').replace(/\n{3,}/g, '\n\n').trim() : noControl.replace(/\s+/g, ' ').trim();
  return VISIBLE.test(text) ? text : '';
}

/** A character that shows: not a space, not a control or format character, not a blank filler. */
const VISIBLE = /[^\s\p{Cc}\p{Cf}\p{Zs}\u115f\u1160\u2800\u3164\uffa0]/u;

/** The member of a fixed list the value names, if any. */
export function oneOf<T extends string>(list: readonly T[], value: string): T | undefined {
  return (list as readonly string[]).includes(value) ? (value as T) : undefined;
}
