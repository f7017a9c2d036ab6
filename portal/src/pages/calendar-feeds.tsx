import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { graphql } from '../gql/index.ts';
import { formatDateTime } from '../format.ts';
import { Loading, Notice } from '../ui/notice.tsx';

const CalendarFeeds = graphql(`
  query CalendarFeeds {
    viewer {
      profile
      person {
        id
        displayName
      }
      children {
        id
        displayName
      }
    }
    myCalendarFeeds {
      id
      pupilId
      createdAt
    }
  }
`);

const CreateCalendarFeed = graphql(`
  mutation CreateCalendarFeed($pupilId: ID) {
    createCalendarFeed(pupilId: $pupilId) {
      id
      url
      pupilId
      createdAt
    }
  }
`);

const RevokeCalendarFeed = graphql(`
  mutation RevokeCalendarFeed($id: ID!) {
    revokeCalendarFeed(id: $id)
  }
`);

/** The agenda page's « Agenda dans mon téléphone » : a secret address for a calendar app, shown once at creation; revocable. */
export function CalendarFeedsSection() {
  const [result, refetch] = useQuery({ query: CalendarFeeds });
  const [creation, create] = useMutation(CreateCalendarFeed);
  const [, revoke] = useMutation(RevokeCalendarFeed);
  const [created, setCreated] = useState<string>();
  const [copied, setCopied] = useState(false);
  if (result.fetching && !result.data) return <Loading />;
  const viewer = result.data?.viewer;
  if (!viewer) return <Notice kind="error">Impossible d’afficher la page. Réessayez dans un instant.</Notice>;
  const pupils = viewer.profile === 'GUARDIAN' ? viewer.children : viewer.profile === 'STUDENT' ? [viewer.person] : [];
  const nameOf = (id: string) => pupils.find((p) => p.id === id)?.displayName ?? '—';
  const refresh = () => refetch({ requestPolicy: 'network-only' });
  return (
    <article class="card" aria-labelledby="feeds-title">
      <h2 id="feeds-title">Agenda dans mon téléphone</h2>
      <p>
        Une adresse secrète ajoute l’emploi du temps et les devoirs à l’agenda de votre téléphone. Ne la partagez pas : qui la connaît voit l’emploi du temps.
      </p>
      {pupils.length === 0 && <p class="muted">Réservé aux élèves et à leurs responsables légaux.</p>}
      {pupils.map((p) => (
        <button
          key={p.id}
          type="button"
          class="button"
          disabled={creation.fetching}
          onClick={() =>
            void create({ pupilId: viewer.profile === 'GUARDIAN' ? p.id : undefined }).then((r) => {
              setCopied(false);
              setCreated(r.data?.createCalendarFeed?.url ?? undefined);
              refresh();
            })
          }
        >
          Créer une adresse pour {p.displayName}
        </button>
      ))}
      {creation.error && <Notice kind="error">{creation.error.graphQLErrors[0]?.message ?? 'L’adresse n’a pas pu être créée.'}</Notice>}
      {created && (
        <div class="created" role="status">
          <p>Voici l’adresse, affichée une seule fois :</p>
          <input type="text" readOnly value={created} aria-label="Adresse de l’agenda" onFocus={(e) => e.currentTarget.select()} />
          <button type="button" class="button secondary" onClick={() => void navigator.clipboard?.writeText(created).then(() => setCopied(true))}>
            {copied ? 'Copiée' : 'Copier'}
          </button>
        </div>
      )}
      <h3>Adresses en service</h3>
      {(result.data?.myCalendarFeeds ?? []).length === 0 ? (
        <p class="muted">Aucune.</p>
      ) : (
        <ul>
          {result.data!.myCalendarFeeds!.map((feed) => (
            <li key={feed.id}>
              {nameOf(feed.pupilId)} · créée le {formatDateTime(feed.createdAt)}{' '}
              <button type="button" class="button secondary" onClick={() => void revoke({ id: feed.id }).then(refresh)}>
                Révoquer
              </button>
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}
