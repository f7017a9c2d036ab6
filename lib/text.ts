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
