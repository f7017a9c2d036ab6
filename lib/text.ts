/** `Élodie` → `elodie`: text compared as people type it, without accents or case. */
export function foldText(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

/** `Léa`, `N'DIAYE` → `lea.ndiaye`: the demo logins' shape. */
export function loginOf(firstName: string, lastName: string): string {
  return foldText(`${firstName}.${lastName}`).replace(/[^a-z.]/g, '');
}

/** Controls but line breaks and tabs; bidi embeddings, overrides and isolates; zero-width space, marks, BOM. */
const HIDDEN_IN_LINE = /[\p{Cc}\u200B\u200E\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/u;
const HIDDEN_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;

/**
 * Whether text people write holds characters that are not text: control characters (NUL, which
 * PostgreSQL refuses; terminal escapes), and in a line (a subject, a search, a reason) also line
 * breaks and the invisible characters that make what is shown differ from what is held (bidi
 * overrides, zero-width spaces). A body (`multiline`) keeps its line breaks and tabs; emoji joiners pass.
 */
export function hasHiddenCharacters(value: string, options: { multiline: boolean } = { multiline: false }): boolean {
  return (options.multiline ? HIDDEN_IN_TEXT : HIDDEN_IN_LINE).test(value);
}
