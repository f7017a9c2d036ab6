import { graphql } from '../gql/index.ts';
import { Notice } from './notice.tsx';

/** What a page asks of each school's resources to show them here (the pupil's home, a child's card). */
export const SchoolResourcesFields = graphql(`
  fragment SchoolResourcesFields on SchoolResources {
    school {
      uai
      name
    }
    resources {
      id
      name
      publisher
      accessUrl
    }
  }
`);

/** One school's digital resources (GAR) as the graph gives them: `resources` null when the GAR failed there. */
export interface SchoolResourcesView {
  school: { uai: string; name: string };
  resources: { id: string; name: string; publisher?: string | null; accessUrl: string }[] | null | undefined;
}

/**
 * Digital resources (GAR), per school: each opens in a new tab, without giving the opened page a
 * hold on this one (`noopener`) nor the portal's address (`noreferrer`). A school where the GAR did
 * not answer says so, and only there.
 */
export function ResourceList(props: { schools: readonly SchoolResourcesView[] | null | undefined; failed: boolean }) {
  const schools = props.schools ?? [];
  if (props.failed && schools.every((s) => !s.resources)) {
    return <Notice kind="warning">Ressources numériques indisponibles pour le moment : réessayez plus tard.</Notice>;
  }
  if (schools.length === 0 || schools.every((s) => s.resources?.length === 0)) return <p class="muted">Aucune ressource numérique.</p>;
  const several = schools.length > 1;
  return (
    <>
      {schools.map((school) => (
        <div key={school.school.uai}>
          {several && <h4>{school.school.name}</h4>}
          {!school.resources ? (
            <Notice kind="warning">Ressources numériques indisponibles pour {school.school.name} pour le moment.</Notice>
          ) : (
            <ul class="resources">
              {school.resources.map((resource) => (
                <li key={resource.id}>
                  <a href={resource.accessUrl} target="_blank" rel="noopener noreferrer">
                    {resource.name}
                    <span class="visually-hidden"> (nouvel onglet)</span>
                  </a>
                  {resource.publisher && <span class="muted"> · {resource.publisher}</span>}
                </li>
              ))}
            </ul>
          )}
        </div>
      ))}
    </>
  );
}
