import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { graphql } from '../gql/index.ts';
import { formatDateTime } from '../format.ts';
import { Loading, Notice } from '../ui/notice.tsx';

const Privacy = graphql(`
  query Privacy($personId: ID) {
    viewer {
      person {
        id
        displayName
      }
      children {
        id
        displayName
      }
      sessions {
        id
        current
        kind
        identityProvider
        createdAt
        lastSeenAt
        userAgent
      }
      accessLog(personId: $personId, first: 50) {
        cursor
        at
        accessor {
          id
          displayName
        }
        accessorProfile
        serviceClient
        operationName
        fields
        outcome
        count
      }
    }
  }
`);

const EndSession = graphql(`
  mutation EndSession($id: ID!) {
    endSession(id: $id)
  }
`);

const EndOtherSessions = graphql(`
  mutation EndOtherSessions {
    endOtherSessions
  }
`);

const OUTCOME_LABEL: Record<string, string> = { ALLOWED: 'Consulté', DENIED: 'Refusé', FAILED: 'Échoué' };

/** « Mes données » : who accessed my data (or my child's), and my sessions, which I can end. */
export function PrivacyPage() {
  const [personId, setPersonId] = useState<string>();
  const [result, refetch] = useQuery({ query: Privacy, variables: { personId } });
  const [, endSession] = useMutation(EndSession);
  const [, endOthers] = useMutation(EndOtherSessions);
  if (result.fetching && !result.data) return <Loading />;
  const viewer = result.data?.viewer;
  if (!viewer) return <Notice kind="error">Impossible d’afficher la page. Réessayez dans un instant.</Notice>;
  const refresh = () => refetch({ requestPolicy: 'network-only' });
  return (
    <div class="cards">
      <article class="card" aria-labelledby="journal-title">
        <h2 id="journal-title">Qui a consulté les données</h2>
        {viewer.children.length > 0 && (
          <p>
            <label for="journal-of">Données de </label>
            <select id="journal-of" value={personId ?? ''} onChange={(e) => setPersonId(e.currentTarget.value || undefined)}>
              <option value="">moi ({viewer.person.displayName})</option>
              {viewer.children.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.displayName}
                </option>
              ))}
            </select>
          </p>
        )}
        {viewer.accessLog.length === 0 ? (
          <p class="muted">Aucun accès enregistré.</p>
        ) : (
          <table>
            <caption class="visually-hidden">Journal des accès, du plus récent au plus ancien</caption>
            <thead>
              <tr>
                <th scope="col">Quand</th>
                <th scope="col">Qui</th>
                <th scope="col">Quoi</th>
                <th scope="col">Résultat</th>
              </tr>
            </thead>
            <tbody>
              {viewer.accessLog.map((event) => (
                <tr key={event.cursor}>
                  <td>{formatDateTime(event.at)}</td>
                  <td>{event.accessor?.displayName ?? event.serviceClient ?? 'Service'}</td>
                  <td>{event.fields.join(', ')}</td>
                  <td>
                    {OUTCOME_LABEL[event.outcome] ?? event.outcome}
                    {event.count > 1 && ` (${event.count} fois)`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </article>
      <article class="card" aria-labelledby="sessions-title">
        <h2 id="sessions-title">Mes connexions</h2>
        <ul class="sessions">
          {viewer.sessions.map((s) => (
            <li key={s.id}>
              {s.kind === 'APP' ? 'Application' : 'Navigateur'} · {s.userAgent ?? 'appareil inconnu'} · dernière activité {formatDateTime(s.lastSeenAt)}
              {s.current ? (
                <strong class="tag tag-ok"> Cet appareil</strong>
              ) : (
                <button type="button" class="button secondary" onClick={() => void endSession({ id: s.id }).then(refresh)}>
                  Déconnecter
                </button>
              )}
            </li>
          ))}
        </ul>
        {viewer.sessions.length > 1 && (
          <button type="button" class="button" onClick={() => void endOthers({}).then(refresh)}>
            Déconnecter tous les autres appareils
          </button>
        )}
      </article>
    </div>
  );
}
