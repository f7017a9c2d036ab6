import type { CombinedError } from '@urql/core';
import { isRateLimited } from '../../graphql/client.ts';

/**
 * The hub's refusals in the messaging, in French. The graph's messages are written for developers
 * (in English): the portal says what happened from each error's stable code and its extensions.
 */
const RATE_LIMITED = 'Trop de demandes en peu de temps : patientez une minute avant de réessayer.';

const codeOf = (error: CombinedError | undefined) => error?.graphQLErrors[0]?.extensions?.code;

/** Why a message was not sent; `nameOf` names a refused recipient or list (the error gives their ids). */
export function sendingProblem(error: CombinedError | undefined, nameOf: (id: string) => string): string {
  if (isRateLimited(error)) return RATE_LIMITED;
  const first = error?.graphQLErrors[0];
  switch (codeOf(error)) {
    case 'FORBIDDEN': {
      const refused = first?.extensions?.recipients;
      const names = Array.isArray(refused) ? refused.filter((id): id is string => typeof id === 'string').map(nameOf) : [];
      return names.length
        ? `Vous ne pouvez pas écrire à ${names.join(', ')}. Retirez ${names.length > 1 ? 'ces destinataires' : 'ce destinataire'} : rien n’a été envoyé.`
        : 'Vous ne pouvez pas envoyer ce message : rien n’a été envoyé.';
    }
    case 'QUOTA_EXCEEDED': {
      const limit = first?.extensions?.limit;
      return `Vous avez atteint la limite${typeof limit === 'number' ? ` de ${limit} messages` : ''} par jour : réessayez demain. Rien n’a été envoyé.`;
    }
    case 'BAD_USER_INPUT':
      return 'Le message n’a pas pu être envoyé : vérifiez les destinataires (une liste vide, trop de personnes ; un mot à signer va aux seules listes « Parents de … »), l’objet (200 caractères au plus) et le texte. Rien n’a été envoyé.';
    default:
      return 'Le message n’a pas pu être envoyé. Vérifiez votre connexion et réessayez.';
  }
}

/** Why a recall was refused. */
export function recallProblem(error: CombinedError | undefined): string {
  if (isRateLimited(error)) return RATE_LIMITED;
  switch (codeOf(error)) {
    case 'RECALL_TOO_LATE':
      return 'Trop tard pour rappeler ce message : le délai après l’envoi est dépassé.';
    case 'ALREADY_RECALLED':
      return 'Ce message a déjà été rappelé.';
    case 'NOT_FOUND':
      return 'Seul l’expéditeur peut rappeler ce message.';
    default:
      return 'Le message n’a pas pu être rappelé. Réessayez dans un instant.';
  }
}

/** Why another action on a message (trash, restore, « Vu ») did not go through: `failed` unless it was the rate. */
export const actionProblem = (error: CombinedError | undefined, failed: string): string => (isRateLimited(error) ? RATE_LIMITED : failed);
