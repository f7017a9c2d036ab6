/**
 * What the compose box's plain text becomes in a message's HTML body: one paragraph per block
 * separated by a blank line, line breaks kept, `<`, `>` and `&` escaped so the text is sent as
 * written (the hub refuses a body its sanitizer would change, and would refuse a typed « <script> »).
 * The hub's own escaping (lib/markup.ts escapeMarkup) is not imported: that module brings the
 * server's HTML sanitizer along, and the portal's build is stamped from portal/ sources only.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

export const escapeText = (text: string): string => text.replace(/[&<>]/g, (c) => ENTITIES[c] ?? c);

export function textToHtml(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n+/)
    .map((block) => block.trim())
    .filter((block) => block.length > 0)
    .map((block) => `<p>${block.split('\n').map(escapeText).join('<br>')}</p>`)
    .join('');
}

/**
 * The compose box's text back from a draft's HTML body (what `textToHtml` made, sanitized by the
 * hub): paragraphs separated by a blank line, `<br>` as line breaks. Read by the browser's own
 * parser, never inserted in the page.
 */
export function htmlToText(html: string): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  doc.querySelectorAll('br').forEach((br) => br.replaceWith('\n'));
  const blocks = [...doc.body.children];
  return blocks.length > 0 ? blocks.map((block) => block.textContent ?? '').join('\n\n') : (doc.body.textContent ?? '');
}
