import { useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { graphql } from '../gql/index.ts';
import { formatDateTime } from '../format.ts';
import { Loading, Notice } from '../ui/notice.tsx';

const TeacherHome = graphql(`
  query TeacherHome {
    # me, not viewer { person }: through the identity subgraph's Person (an @interfaceObject)
    # the router drops the type condition's fields (docs/portal.md, known limits).
    me {
      id
      displayName
      ... on Teacher {
        teachings {
          subject {
            code
            label
          }
          class {
            id
            code
            school {
              uai
              name
            }
          }
          group {
            id
            code
            school {
              uai
              name
            }
          }
        }
      }
    }
  }
`);

const Roster = graphql(`
  query ClassRoster($classId: ID!) {
    class(id: $classId) {
      id
      code
      students {
        id
        displayName
      }
      lessonContents {
        id
        start
        title
        descriptionHtml
        subject {
          label
        }
      }
    }
  }
`);

/** A teacher's home: their classes and groups; a class opens its roster and its cahier de textes. */
export function TeacherHomePage() {
  const [result] = useQuery({ query: TeacherHome });
  const [openClass, setOpenClass] = useState<string>();
  if (result.fetching && !result.data) return <Loading />;
  const person = result.data?.me;
  if (!person || person.__typename !== 'Teacher') return <Notice kind="error">Impossible d’afficher la page. Réessayez dans un instant.</Notice>;
  const units = person.teachings.flatMap((t) => {
    const unit = t.class ?? t.group;
    return unit ? [{ id: unit.id, code: unit.code, school: unit.school.name, subject: t.subject?.label, isClass: !!t.class }] : [];
  });
  return (
    <div class="cards">
      <article class="card" aria-labelledby="teachings-title">
        <h2 id="teachings-title">Mes classes et groupes</h2>
        {units.length === 0 ? (
          <p class="muted">Aucun enseignement enregistré dans l’annuaire.</p>
        ) : (
          <ul>
            {units.map((unit) => (
              <li key={`${unit.id}-${unit.subject}`}>
                {unit.isClass ? 'Classe' : 'Groupe'} <strong>{unit.code}</strong> · {unit.school}
                {unit.subject && <span class="muted"> · {unit.subject}</span>}{' '}
                {unit.isClass && (
                  <button
                    type="button"
                    class="button secondary"
                    aria-expanded={openClass === unit.id}
                    onClick={() => setOpenClass(openClass === unit.id ? undefined : unit.id)}
                  >
                    {openClass === unit.id ? 'Fermer' : 'Élèves et cahier de textes'}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </article>
      {openClass && <ClassCard classId={openClass} />}
    </div>
  );
}

function ClassCard(props: { classId: string }) {
  const [result] = useQuery({ query: Roster, variables: { classId: props.classId } });
  if (result.fetching && !result.data) return <Loading />;
  const klass = result.data?.class;
  if (!klass) return <Notice kind="error">Cette classe ne peut pas être affichée.</Notice>;
  return (
    <article class="card" aria-labelledby={`class-${klass.id}`}>
      <h2 id={`class-${klass.id}`}>Classe {klass.code}</h2>
      <h3>Élèves ({klass.students.length})</h3>
      <ul class="columns">
        {klass.students.map((s) => (
          <li key={s.id}>{s.displayName}</li>
        ))}
      </ul>
      <h3>Cahier de textes</h3>
      {klass.lessonContents == null ? (
        <Notice kind="warning">Vie scolaire indisponible pour cet établissement.</Notice>
      ) : klass.lessonContents.length === 0 ? (
        <p class="muted">Rien de saisi ces deux dernières semaines.</p>
      ) : (
        <ul class="homework">
          {klass.lessonContents.map((c) => (
            <li key={c.id}>
              <p>
                <span class="subject">{c.subject.label}</span> — {formatDateTime(c.start)} : <strong>{c.title}</strong>
              </p>
              <div class="description" dangerouslySetInnerHTML={{ __html: c.descriptionHtml }} />
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}
