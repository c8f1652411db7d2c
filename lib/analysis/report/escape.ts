/** Escapes text for HTML element content and quoted attribute values (layer names contain `<`, `>`, `&`). */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] as string);
}
