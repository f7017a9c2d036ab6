import { useMutation, useQuery } from '@urql/preact';
import { useEffect, useState } from 'preact/hooks';
import { parisWallTimeToIso } from '../../../../lib/french-dates.ts';
import { graphql } from '../../gql/index.ts';
import type { SchoolEventAudienceKind, SchoolEventCategory } from '../../gql/graphql.ts';
import { isRateLimited } from '../../graphql/client.ts';

/** Who may add events, and for whom: a teacher for the classes and groups they teach, staff for any. */
const SchoolEventAuthor = graphql(`
  query SchoolEventAuthor {
    viewer {
      profile
      schools {
        uai
        name
      }
    }
    # me, not viewer { person }: the type condition's fields (docs/portal.md, known limits).
    me {
      id
      ... on Teacher {
        teachings {
          class {
            code
            school {
              uai
            }
          }
          group {
            code
            school {
              uai
            }
          }
        }
      }
    }
  }
`);

const CreateSchoolEvent = graphql(`
  mutation CreateSchoolEvent($input: SchoolEventInput!) {
    createSchoolEvent(input: $input) {
      id
      title
    }
  }
`);

export const CATEGORY_OF_EVENT: readonly { value: SchoolEventCategory; label: string }[] = [
  { value: 'REUNION_PARENTS', label: 'Réunion parents-professeurs' },
  { value: 'CONSEIL_DE_CLASSE', label: 'Conseil de classe' },
  { value: 'SORTIE', label: 'Sortie' },
  { value: 'EXAMEN_BLANC', label: 'Examen blanc' },
  { value: 'AUTRE', label: 'Autre' },
];

/** What the graph accepts (SchoolEventInput). */
const TITLE_MAX = 200;
const DESCRIPTION_MAX = 2000;
const LOCATION_MAX = 200;

/** A `datetime-local` value (`yyyy-MM-ddTHH:mm`), read as the schools' time (Europe/Paris) whatever the device's zone. */
const parisIso = (value: string) => {
  const [day, time] = value.split('T');
  return parisWallTimeToIso(day!, `${time!.slice(0, 5)}:00`);
};

/** Why the event was not added, in French, from the graph's code. */
function creationProblem(error: Parameters<typeof isRateLimited>[0]): string {
  if (isRateLimited(error)) return 'Trop de demandes en peu de temps : patientez une minute avant de réessayer.';
  switch (error?.graphQLErrors[0]?.extensions?.code) {
    case 'FORBIDDEN':
      return 'Vous ne pouvez pas ajouter d’événement pour ce public : un enseignant pour ses classes et ses groupes, la direction et la vie scolaire pour tout l’établissement.';
    case 'BAD_USER_INPUT':
      return 'L’événement n’a pas été ajouté : vérifiez la classe ou le groupe, le titre (200 caractères au plus), la description (texte simple, sans balises) et les dates (la fin après le début, 14 jours au plus).';
    case 'QUOTA_EXCEEDED': {
      const limit = error?.graphQLErrors[0]?.extensions?.limit;
      return `Vous avez atteint la limite${typeof limit === 'number' ? ` de ${limit} événements` : ''} par jour : réessayez demain.`;
    }
    default:
      return 'L’événement n’a pas pu être ajouté. Vérifiez votre connexion et réessayez.';
  }
}

/** « Ajouter un événement » : for teachers and staff; nothing for families and pupils. */
export function SchoolEventForm(props: { onCreated: (title: string) => void }) {
  const [author] = useQuery({ query: SchoolEventAuthor });
  const viewer = author.data?.viewer;
  if (!viewer || (viewer.profile !== 'TEACHER' && viewer.profile !== 'STAFF')) return null;
  const taught = (author.data?.me && 'teachings' in author.data.me ? author.data.me.teachings : []) ?? [];
  // A teacher chooses among what they teach; staff type the code of any class or group.
  const codes =
    viewer.profile === 'TEACHER'
      ? {
          CLASS: taught.flatMap((t) => (t.class ? [{ uai: t.class.school.uai, code: t.class.code }] : [])),
          GROUP: taught.flatMap((t) => (t.group ? [{ uai: t.group.school.uai, code: t.group.code }] : [])),
        }
      : undefined;
  return <EventForm schools={viewer.schools} staff={viewer.profile === 'STAFF'} codes={codes} onCreated={props.onCreated} />;
}

interface Known {
  uai: string;
  code: string;
}

function EventForm(props: {
  schools: readonly { uai: string; name: string }[];
  staff: boolean;
  codes?: { CLASS: Known[]; GROUP: Known[] };
  onCreated: (title: string) => void;
}) {
  const [creation, create] = useMutation(CreateSchoolEvent);
  const [uai, setUai] = useState(props.schools[0]?.uai ?? '');
  const [audience, setAudience] = useState<SchoolEventAudienceKind>(props.staff ? 'SCHOOL' : 'CLASS');
  const [problem, setProblem] = useState<string>();
  const [formKey, setFormKey] = useState(0);
  // After an event is added the form starts afresh: the focus goes to its title, for the next one (not lost on the page).
  useEffect(() => {
    if (formKey > 0) document.getElementById('event-title')?.focus();
  }, [formKey]);
  // The teacher's classes or groups in the chosen school, each code once.
  const known = props.codes && audience !== 'SCHOOL' ? [...new Set(props.codes[audience].filter((k) => k.uai === uai).map((k) => k.code))].sort() : undefined;

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const text = (name: string) => {
      const value = data.get(name);
      return typeof value === 'string' ? value.trim() : '';
    };
    const startsAt = text('startsAt');
    const endsAt = text('endsAt');
    if (!startsAt || !endsAt || endsAt <= startsAt) {
      setProblem('La fin doit venir après le début.');
      form.querySelector<HTMLInputElement>('[name="endsAt"]')?.focus();
      return;
    }
    setProblem(undefined);
    const title = text('title');
    const result = await create({
      input: {
        uai,
        audience,
        code: audience === 'SCHOOL' ? null : text('code'),
        category: text('category') as SchoolEventCategory,
        title,
        description: text('description'),
        startsAt: parisIso(startsAt),
        endsAt: parisIso(endsAt),
        location: text('location') || null,
      },
    });
    if (result.error || !result.data?.createSchoolEvent) {
      setProblem(creationProblem(result.error));
      return;
    }
    // A fresh form for the next event (the school and the audience kept).
    setFormKey((k) => k + 1);
    props.onCreated(result.data.createSchoolEvent.title);
  };

  if (props.schools.length === 0) return null;
  return (
    <article class="card" aria-labelledby="new-event-title">
      <h2 id="new-event-title">Ajouter un événement</h2>
      <form key={formKey} class="compose" onSubmit={(e) => void submit(e)}>
        <label for="event-school">Établissement</label>
        <select id="event-school" value={uai} onChange={(e) => setUai(e.currentTarget.value)}>
          {props.schools.map((s) => (
            <option key={s.uai} value={s.uai}>
              {s.name}
            </option>
          ))}
        </select>
        <label for="event-audience">Pour</label>
        <select id="event-audience" value={audience} onChange={(e) => setAudience(e.currentTarget.value as SchoolEventAudienceKind)}>
          {props.staff && <option value="SCHOOL">Tout l’établissement</option>}
          <option value="CLASS">Une classe</option>
          <option value="GROUP">Un groupe</option>
        </select>
        {audience !== 'SCHOOL' && (
          <>
            <label for="event-code">{audience === 'CLASS' ? 'Classe' : 'Groupe'}</label>
            {known && known.length > 0 ? (
              <select id="event-code" name="code" required>
                {known.map((code) => (
                  <option key={code} value={code}>
                    {code}
                  </option>
                ))}
              </select>
            ) : (
              <input id="event-code" name="code" type="text" required maxLength={50} autoComplete="off" />
            )}
          </>
        )}
        <label for="event-category">Type</label>
        <select id="event-category" name="category">
          {CATEGORY_OF_EVENT.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
        <label for="event-title">Titre</label>
        <input id="event-title" name="title" type="text" required maxLength={TITLE_MAX} />
        <label for="event-description">Description (facultative)</label>
        <textarea id="event-description" name="description" rows={3} maxLength={DESCRIPTION_MAX} />
        <label for="event-start">Début</label>
        <input id="event-start" name="startsAt" type="datetime-local" required />
        <label for="event-end">Fin</label>
        <input id="event-end" name="endsAt" type="datetime-local" required />
        <label for="event-location">Lieu (facultatif)</label>
        <input id="event-location" name="location" type="text" maxLength={LOCATION_MAX} />
        <div>
          <button type="submit" class="button" disabled={creation.fetching}>
            Ajouter à l’agenda
          </button>
        </div>
        <div role="alert">{problem && <p class="notice notice-error">{problem}</p>}</div>
      </form>
    </article>
  );
}
