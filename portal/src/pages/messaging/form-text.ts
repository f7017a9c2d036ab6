/** A text field of a submitted form: its value, or '' when absent (a file field is no text). */
export function formText(form: HTMLFormElement, name: string): string {
  const value = new FormData(form).get(name);
  return typeof value === 'string' ? value : '';
}
