import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { graphql } from '../gql/index.ts';
import { addDays, parisDay } from '../format.ts';
import { isRateLimited } from '../graphql/client.ts';
import { FileTooLargeError, readFileUpload } from '../ui/file-input.ts';
import { HomeworkList, type HomeworkView } from '../ui/homework.tsx';
import { Loading, Notice } from '../ui/notice.tsx';
import { ResourceList } from '../ui/resources.tsx';
import { Grades, Timetable } from '../ui/vie-scolaire.tsx';

const PupilHome = graphql(`
  query PupilHome($today: String!, $tomorrow: String!) {
    # me: the directory answers it in one fetch (viewer { person } would go through the identity subgraph first).
    me {
      id
      displayName
      ... on Student {
        ...PupilDay
        homeworkSubmissions {
          id
          homeworkId
          fileName
          state
        }
        resources {
          ...SchoolResourcesFields
        }
      }
    }
  }
`);

const SetHomeworkDone = graphql(`
  mutation SetHomeworkDone($homeworkId: ID!, $done: Boolean!) {
    setHomeworkDone(homeworkId: $homeworkId, done: $done)
  }
`);

const SubmitHomework = graphql(`
  mutation SubmitHomework($homeworkId: ID!, $file: FileInput!) {
    submitHomework(homeworkId: $homeworkId, file: $file) {
      id
      homeworkId
      fileName
      state
    }
  }
`);

/** A pupil's home: homework first (mark done, hand in a file), then the day's lessons and the grades. */
export function PupilHomePage() {
  const today = parisDay();
  const [result, refetch] = useQuery({ query: PupilHome, variables: { today, tomorrow: addDays(today, 1) } });
  if (result.fetching && !result.data) return <Loading />;
  const person = result.data?.me;
  if (!person || person.__typename !== 'Student') return <Notice kind="error">Impossible d’afficher la page. Réessayez dans un instant.</Notice>;
  const refresh = () => refetch({ requestPolicy: 'network-only' });
  // The GAR failing is said on the resources only, not as the school's vie scolaire.
  const errors = result.error?.graphQLErrors ?? [];
  const failed = errors.some((e) => e.extensions?.upstream !== 'GAR');
  const resourcesFailed = errors.some((e) => e.extensions?.upstream === 'GAR');
  return (
    <div class="cards">
      {failed && (
        <Notice kind="warning">
          Vie scolaire indisponible pour votre établissement : certaines informations ne peuvent pas être affichées pour le moment.
        </Notice>
      )}
      <article class="card" aria-labelledby="homework-title">
        <h2 id="homework-title">Devoirs</h2>
        <HomeworkList
          homework={person.homework}
          renderActions={(homework) => (
            <HomeworkActions homework={homework} handedIn={person.homeworkSubmissions?.find((s) => s.homeworkId === homework.id)} onChange={refresh} />
          )}
        />
      </article>
      <article class="card" aria-labelledby="timetable-title">
        <h2 id="timetable-title">Emploi du temps</h2>
        <Timetable lessons={person.timetable} days={[today, addDays(today, 1)]} />
      </article>
      <article class="card" aria-labelledby="grades-title">
        <h2 id="grades-title">Notes</h2>
        <Grades grades={person.grades} averages={person.averages} latest={10} />
      </article>
      <article class="card" aria-labelledby="resources-title">
        <h2 id="resources-title">Ressources numériques</h2>
        <ResourceList schools={person.resources} failed={resourcesFailed} />
      </article>
    </div>
  );
}

/** Where a handed-in file stands (the hub keeps it and forwards it to the school's system). */
const HANDED_IN_LABEL: Record<string, string> = {
  PENDING: 'en attente d’envoi',
  SENT: 'reçu par l’établissement',
  ACCEPTED: 'accepté',
  REJECTED: 'refusé par l’établissement',
};

function HomeworkActions(props: { homework: HomeworkView; handedIn?: { fileName: string; state: string }; onChange: () => void }) {
  const [, setDone] = useMutation(SetHomeworkDone);
  const [submission, submit] = useMutation(SubmitHomework);
  const [problem, setProblem] = useState<string>();
  const id = `homework-${props.homework.id}`;
  // Ticked at once (the school's system answers after); put back if the change did not go through.
  const [done, setDoneHere] = useState(props.homework.done);
  const toggle = async (wanted: boolean) => {
    setProblem(undefined);
    setDoneHere(wanted);
    const result = await setDone({ homeworkId: props.homework.id, done: wanted });
    if (result.error || result.data?.setHomeworkDone !== true) {
      setDoneHere(!wanted);
      setProblem(isRateLimited(result.error) ? 'Trop de demandes : patientez une minute.' : 'Le devoir n’a pas pu être mis à jour.');
    }
    props.onChange();
  };
  const handIn = async (event: SubmitEvent) => {
    event.preventDefault();
    setProblem(undefined);
    const chosen = new FormData(event.currentTarget as HTMLFormElement).get('file');
    if (!(chosen instanceof File) || chosen.size === 0) return setProblem('Choisissez un fichier.');
    try {
      const result = await submit({ homeworkId: props.homework.id, file: await readFileUpload(chosen) });
      if (result.error || !result.data?.submitHomework) return setProblem(result.error?.graphQLErrors[0]?.message ?? 'Le fichier n’a pas pu être rendu.');
      props.onChange();
    } catch (error) {
      setProblem(error instanceof FileTooLargeError ? error.message : 'Le fichier n’a pas pu être lu.');
    }
  };
  return (
    <div class="homework-actions">
      <label>
        <input type="checkbox" checked={done} onChange={(e) => void toggle(e.currentTarget.checked)} /> Fait
      </label>
      {props.handedIn && (
        <p class="state" role="status">
          Rendu : {props.handedIn.fileName} — {HANDED_IN_LABEL[props.handedIn.state] ?? props.handedIn.state}
        </p>
      )}
      {props.homework.returnKind === 'FILE' && !props.homework.submitted && (!props.handedIn || props.handedIn.state === 'REJECTED') && (
        <form onSubmit={(e) => void handIn(e)} aria-label={`Rendre le devoir de ${props.homework.subject.label}`}>
          <label for={`${id}-file`}>Fichier à rendre (1 Mo au plus)</label>
          <input id={`${id}-file`} name="file" type="file" />
          <button type="submit" class="button" disabled={submission.fetching}>
            {submission.fetching ? 'Envoi…' : 'Rendre'}
          </button>
        </form>
      )}
      {problem && <Notice kind="error">{problem}</Notice>}
    </div>
  );
}
