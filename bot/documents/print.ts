/**
 * What every document Samråd hands over as HTML shares: escaping, and the head of a page that
 * prints on A4 (the letter, the minutes) with its print tools hidden on paper.
 */

/** The page margin of every printed document; the letter's envelope window is placed from it. */
export const PAGE_MARGIN_MM = 20;

/** Escapes text for HTML content and attribute values. */
export function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * `<!doctype html>` up to `</head>` of a printable A4 document: not indexed, the page's margin,
 * a serif body `widthEm` wide on screen, the print tools' box (`.tools`, hidden when printed),
 * then the document's own `css`.
 */
export function printableHead(locale: string, title: string, widthEm: number, css: string): string {
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<meta name="viewport" content="width=device-width">
<title>${esc(title)}</title>
<style>
@page{size:A4;margin:${PAGE_MARGIN_MM}mm}
body{font-family:Georgia,'Times New Roman',serif;max-width:${widthEm}em;margin:2em auto;padding:0 1em;color:#111}
.tools{font-family:system-ui,sans-serif;background:#f3f3f3;border:1px solid #ccc;padding:.6em 1em;margin-bottom:1.5em}
@media print{.tools{display:none}body{max-width:none;margin:0;padding:0}}
${css}
</style>
</head>`;
}

/** A one-line page shown instead of a document (an expired link, a store that cannot be read): Samråd's name and `text`, nothing of any meeting. */
export function noticePage(locale: string, text: string): string {
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>Samråd</title></head><body><p>${esc(text)}</p></body></html>\n`;
}
