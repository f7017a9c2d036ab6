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
