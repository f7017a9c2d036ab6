import { useQuery } from '@urql/preact';
import { useEffect } from 'preact/hooks';
import { graphql } from '../gql/index.ts';
import type { GuardianHomeQuery } from '../gql/graphql.ts';
import { addDays, parisDay } from '../format.ts';
import { errorsUnder } from '../graphql/partial.ts';
import { HomeworkList } from '../ui/homework.tsx';
import { ResourceList } from '../ui/resources.tsx';
import { Loading, Notice } from '../ui/notice.tsx';
import { Grades, Timetable } from '../ui/vie-scolaire.tsx';
import { AbsencesToJustify } from './justify-absence.tsx';

/**
 * The home's one request: the page's frame (who is here: app.tsx) and, for a guardian, the
 * children's cards. A page opened at `/` asks only this (an empty list of children for the others),
 * and the router may embed its answer in the page itself (docs/portal.md, « Premier chargement »).
 */
export const GuardianHome = graphql(`
  query GuardianHome($today: String!, $tomorrow: String!) {
    viewer {
      profile
      functions
      person {
        id
        displayName
      }
      children {
        id
        firstName
        displayName
        classes {
          id
          code
          school {
            uai
            name
          }
        }
        ...PupilDay
        absences {
          id
          start
          end
          justified
          settled
          parentsShouldJustify
          reasons
        }
        justifications {
          id
          absenceId
          reason
          state
          submittedAt
          updatedAt
        }
        resources {
          ...SchoolResourcesFields
        }
      }
    }
  }
`);

type Child = NonNullable<GuardianHomeQuery['viewer']>['children'][number];

/** The home query's variables on a Paris day (the router's preload manifest computes the same: vite.config.ts). */
export const guardianHomeVariables = (today: string) => ({ today, tomorrow: addDays(today, 1) });

/** How often the page asks again while a justification is on its way (PENDING or SENT). */
const FOLLOW_MS = 5_000;

/** A guardian's home: one card per child, whatever their schools; one card failing never hides another. */
export function GuardianHomePage() {
  const today = parisDay();
  const [result, refetch] = useQuery({ query: GuardianHome, variables: guardianHomeVariables(today) });
  const moving = result.data?.viewer?.children.some((c) => c.justifications?.some((j) => j.state === 'PENDING' || j.state === 'SENT'));
  useEffect(() => {
    if (!moving) return;
    const timer = setTimeout(() => refetch({ requestPolicy: 'network-only' }), FOLLOW_MS);
    return () => clearTimeout(timer);
  }, [moving, result.data, refetch]);

  if (result.fetching && !result.data) return <Loading />;
  const viewer = result.data?.viewer;
  if (!viewer) return <Notice kind="error">Impossible d’afficher la page. Réessayez dans un instant.</Notice>;
  if (viewer.children.length === 0) {
    return <Notice kind="info">Aucun enfant n’est rattaché à votre compte comme responsable légal. Pour toute question, contactez l’établissement.</Notice>;
  }
  return (
    <div class="cards">
      {viewer.children.map((child, index) => {
        // The GAR failing is said on the child's resources only, not as the school's vie scolaire.
        const failures = errorsUnder(result.error, ['viewer', 'children', index]);
        const garFailed = (e: (typeof failures)[number]) => e.extensions?.upstream === 'GAR';
        return (
          <ChildCard
            key={child.id}
            child={child}
            failures={failures.some((e) => !garFailed(e))}
            resourcesFailed={failures.some(garFailed)}
            onChange={() => refetch({ requestPolicy: 'network-only' })}
            today={today}
          />
        );
      })}
    </div>
  );
}

function ChildCard(props: { child: Child; failures: boolean; resourcesFailed: boolean; today: string; onChange: () => void }) {
  const { child } = props;
  const schools = [...new Map(child.classes.map((c) => [c.school.uai, c.school.name])).values()];
  const headingId = `child-${child.id}`;
  return (
    <article class="card" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {child.displayName}
        <span class="muted"> · {child.classes.map((c) => `${c.code}, ${c.school.name}`).join(' ; ')}</span>
      </h2>
      {props.failures && (
        <Notice kind="warning">
          Vie scolaire indisponible pour {schools.length ? schools.join(', ') : 'l’établissement'} : certaines informations ne peuvent pas être affichées pour
          le moment.
        </Notice>
      )}
      <section>
        <h3>Emploi du temps</h3>
        <Timetable lessons={child.timetable} days={[props.today, addDays(props.today, 1)]} />
      </section>
      <section>
        <h3>Dernières notes</h3>
        <Grades grades={child.grades} averages={child.averages} />
      </section>
      <section>
        <h3>Devoirs</h3>
        <HomeworkList homework={child.homework} />
      </section>
      <section>
        <h3>Absences à justifier</h3>
        <AbsencesToJustify
          pupil={{ id: child.id, firstName: child.firstName }}
          absences={child.absences}
          justifications={child.justifications}
          onJustified={props.onChange}
        />
      </section>
      <section>
        <h3>Ressources numériques</h3>
        <ResourceList schools={child.resources} failed={props.resourcesFailed} />
      </section>
    </article>
  );
}
