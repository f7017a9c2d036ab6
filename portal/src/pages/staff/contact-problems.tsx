import type { CombinedError } from '@urql/core';
import { useQuery } from '@urql/preact';
import { formatDateTime } from '../../format.ts';
import { graphql } from '../../gql/index.ts';
import { isRateLimited } from '../../graphql/client.ts';
import { Loading, Notice } from '../../ui/notice.tsx';

const ContactProblems = graphql(`
  query ContactProblems {
    viewer {
      schools {
        uai
        name
      }
    }
    contactProblems(first: 100) {
      person {
        id
        displayName
      }
      uai
      channel
      problem
      firstSeenAt
      lastSeenAt
      occurrences
    }
  }
`);

const CHANNEL_LABEL: Record<string, string> = { sms: 'SMS', email: 'E-mail' };

/**
 * The reasons the notification worker records (workers/notifications/delivery.ts), said in French;
 * one it does not know yet is said plainly rather than in the worker's English.
 */
export function problemInFrench(problem: string): string {
  switch (problem) {
    case 'no mobile number':
      return 'Aucun numéro de portable';
    case 'mobile number not-mobile':
      return 'Le numéro enregistré n’est pas un portable';
    case 'mobile number invalid':
      return 'Numéro de portable invalide';
    case 'the SMS gateway refused the mobile number':
      return 'Numéro de portable refusé par l’opérateur SMS';
    case 'no e-mail address':
      return 'Aucune adresse e-mail';
    case 'the mail relay refused the address':
      return 'Adresse e-mail refusée par le serveur de messagerie';
    default:
      return 'Coordonnées inutilisables';
  }
}

/** The router's refusal of a field the viewer's scopes do not grant (`notifications:problems:read`: direction and vie scolaire). */
const refused = (error: CombinedError | undefined) =>
  !!error?.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHORIZED_FIELD_OR_TYPE' || e.extensions?.code === 'FORBIDDEN');

/**
 * « Contacts injoignables » : for a school's direction and vie scolaire office, the people the hub
 * could not reach as they asked (by which channel, why, since when, how many times), so the school
 * can ask for a valid number or address. Names only: no link to a person's record, no number shown.
 */
export default function ContactProblemsPage() {
  const [result] = useQuery({ query: ContactProblems, requestPolicy: 'cache-and-network' });
  const problems = result.data?.contactProblems;
  const schoolNames = new Map((result.data?.viewer?.schools ?? []).map((s) => [s.uai, s.name]));
  const several = new Set(problems?.map((p) => p.uai)).size > 1;
  return (
    <article class="card" aria-labelledby="contact-problems-title">
      <h2 id="contact-problems-title">Contacts injoignables</h2>
      <p class="muted">Les personnes que l’ENT n’a pas pu prévenir comme elles l’ont demandé : demandez-leur de mettre à jour leurs coordonnées.</p>
      {result.fetching && !problems ? (
        <Loading />
      ) : isRateLimited(result.error) ? (
        <Notice kind="warning">Trop de demandes en peu de temps : patientez une minute, puis rechargez la page.</Notice>
      ) : !problems && refused(result.error) ? (
        <Notice kind="info">Cette page est réservée à la direction et à la vie scolaire de l’établissement.</Notice>
      ) : !problems ? (
        <Notice kind="error">Les notifications ne répondent pas pour le moment. Réessayez dans un instant.</Notice>
      ) : problems.length === 0 ? (
        <p class="muted">Aucun contact injoignable.</p>
      ) : (
        <ul class="problems">
          {problems.map((p) => (
            <li key={`${p.uai}/${p.person.id}/${p.channel}`}>
              <p>
                <strong>{p.person.displayName}</strong> · {CHANNEL_LABEL[p.channel] ?? p.channel} : {problemInFrench(p.problem)}
              </p>
              <p class="muted">
                Depuis le {formatDateTime(p.firstSeenAt)} · dernière fois le {formatDateTime(p.lastSeenAt)} ·{' '}
                {p.occurrences === 1 ? '1 fois' : `${p.occurrences} fois`}
                {several && ` · ${schoolNames.get(p.uai) ?? p.uai}`}
              </p>
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}
