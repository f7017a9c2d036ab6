import { createHmac } from 'node:crypto';

/**
 * The identifier the GAR knows a person by (GARPersonIdentifiant): stable per person, pseudonymous,
 * never the AAF jointure itself. An HMAC of the jointure with a secret only the hub holds
 * (`GAR_PSEUDONYM_SECRET`): the GAR cannot reverse it, and the same person always gets the same id,
 * so their resources and assignments follow them from one export to the next.
 */
export function garPersonId(secret: string, personId: string): string {
  return createHmac('sha256', secret).update(`gar-person:${personId}`).digest('base64url').slice(0, 32);
}

export function garPseudonymSecret(value: string | undefined): string {
  if (!value || Buffer.byteLength(value) < 32) throw new Error('GAR_PSEUDONYM_SECRET must be set to a secret of at least 32 bytes');
  return value;
}
