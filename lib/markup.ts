import sanitize from 'sanitize-html';

/** Escapes text for XML and HTML content and attribute values (the five predefined entities). */
export function escapeMarkup(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/**
 * HTML written by people (teachers' homework, messages), made safe to show: text formatting,
 * lists, tables and links stay; scripts, styles, event handlers, iframes and `javascript:` URLs go. Links open in a new tab, without
 * giving the target a handle on the ENT's window.
 */
export function sanitizeHtml(html: string): string {
  return sanitize(html, SANITIZE_OPTIONS);
}

const SANITIZE_OPTIONS: sanitize.IOptions = {
  allowedTags: [
    'p',
    'br',
    'b',
    'strong',
    'i',
    'em',
    'u',
    's',
    'sub',
    'sup',
    'ul',
    'ol',
    'li',
    'a',
    'span',
    'div',
    'blockquote',
    'h1',
    'h2',
    'h3',
    'h4',
    'table',
    'thead',
    'tbody',
    'tr',
    'td',
    'th',
    'code',
    'pre',
  ],
  allowedAttributes: { a: ['href', 'title', 'target', 'rel'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  transformTags: { a: sanitize.simpleTransform('a', { target: '_blank', rel: 'noopener noreferrer' }) },
};

/**
 * Whether sanitizing would remove anything from this HTML (a script, a style, an event handler, a
 * frame, an image, a `javascript:` link…): what people send through the hub is refused rather
 * than silently changed, so the author knows what the recipients will not get.
 */
export function hasDisallowedHtml(html: string): boolean {
  const kept = sanitize(html, { allowedTags: false, allowedAttributes: false, allowVulnerableTags: true, allowedSchemesAppliedToAttributes: [] });
  const safe = sanitize(html, { ...SANITIZE_OPTIONS, transformTags: {} });
  return kept !== safe;
}

/** How many tags (or stray `<`) the HTML holds: a linear count, to bound what sanitizing costs. */
export function tagCount(html: string): number {
  let count = 0;
  for (let i = html.indexOf('<'); i !== -1; i = html.indexOf('<', i + 1)) count++;
  return count;
}
