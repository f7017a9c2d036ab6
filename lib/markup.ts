/** Escapes text for XML and HTML content and attribute values (the five predefined entities). */
export function escapeMarkup(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}
