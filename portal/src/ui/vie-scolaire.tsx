/**
 * What a guardian's card and a pupil's home both show of a pupil's day: the lessons, the homework,
 * the grades. One component each, for both pages.
 */
import { formatDay, formatMark, formatShortDay, formatTime } from '../format.ts';
import { graphql } from '../gql/index.ts';

/**
 * What both pages read of a pupil's day (the operation defines `$today` and `$tomorrow`): one
 * definition, so the guardian's cards and the pupil's home show the same things.
 */
export const PupilDay = graphql(`
  fragment PupilDay on Student {
    timetable(from: $today, to: $tomorrow) {
      id
      start
      end
      canceled
      status
      rooms
      subject {
        label
      }
    }
    grades {
      id
      value
      kind
      outOf
      date
      comment
      subject {
        label
      }
    }
    averages {
      overall
      subjects {
        average
        subject {
          label
        }
      }
    }
    homework {
      id
      dueOn
      done
      descriptionHtml
      returnKind
      submitted
      subject {
        label
      }
    }
  }
`);

export interface LessonView {
  id: string;
  start: string;
  end: string;
  canceled: boolean;
  status?: string | null;
  rooms: string[];
  subject: { label: string };
}

export function Timetable(props: { lessons: readonly LessonView[] | null | undefined; days: readonly string[] }) {
  if (!props.lessons) return null;
  return (
    <div class="timetable">
      {props.days.map((day) => {
        const lessons = props.lessons!.filter((l) => l.start.startsWith(day));
        return (
          <section key={day} aria-label={`Emploi du temps du ${formatDay(day)}`}>
            <h4>{formatDay(day)}</h4>
            {lessons.length === 0 ? (
              <p class="muted">Pas de cours.</p>
            ) : (
              <ul class="lessons">
                {lessons.map((lesson) => (
                  <li key={lesson.id} class={lesson.canceled ? 'lesson canceled' : lesson.status ? 'lesson changed' : 'lesson'}>
                    <span class="time">
                      {formatTime(lesson.start)}–{formatTime(lesson.end)}
                    </span>{' '}
                    <span class="subject">{lesson.subject.label}</span>
                    {lesson.rooms.length > 0 && <span class="muted"> · salle {lesson.rooms.join(', ')}</span>}
                    {lesson.canceled && <strong class="tag tag-warning"> Annulé</strong>}
                    {!lesson.canceled && lesson.status && <strong class="tag tag-info"> {lesson.status}</strong>}
                  </li>
                ))}
              </ul>
            )}
          </section>
        );
      })}
    </div>
  );
}

export interface GradeView {
  id: string;
  value?: number | null;
  kind?: string | null;
  outOf: number;
  date: string;
  comment?: string | null;
  subject: { label: string };
}

export interface AveragesView {
  overall?: number | null;
  subjects: readonly { subject: { label: string }; average?: number | null }[];
}

const KIND_LABEL: Record<string, string> = {
  ABSENT: 'Absent',
  EXEMPTED: 'Dispensé',
  NOT_GRADED: 'Non noté',
  UNFIT: 'Inapte',
  NOT_RETURNED: 'Non rendu',
  ABSENT_COUNTS_ZERO: 'Absent (0)',
  NOT_RETURNED_COUNTS_ZERO: 'Non rendu (0)',
  CONGRATULATIONS: 'Félicitations',
};

export function Grades(props: { grades: readonly GradeView[] | null | undefined; averages: AveragesView | null | undefined; latest?: number }) {
  if (!props.grades) return null;
  const latest = [...props.grades].sort((a, b) => b.date.localeCompare(a.date)).slice(0, props.latest ?? 5);
  return (
    <div class="grades">
      {latest.length === 0 ? (
        <p class="muted">Aucune note pour cette période.</p>
      ) : (
        <ul>
          {latest.map((grade) => (
            <li key={grade.id}>
              <span class="subject">{grade.subject.label}</span> :{' '}
              <strong>{grade.value != null ? `${formatMark(grade.value)}/${formatMark(grade.outOf)}` : (KIND_LABEL[grade.kind ?? ''] ?? grade.kind)}</strong>
              <span class="muted"> · {formatShortDay(grade.date)}</span>
            </li>
          ))}
        </ul>
      )}
      {props.averages && (
        <details>
          <summary>
            Moyenne générale : <strong>{formatMark(props.averages.overall)}</strong>
          </summary>
          <table>
            <caption class="visually-hidden">Moyennes par matière</caption>
            <thead>
              <tr>
                <th scope="col">Matière</th>
                <th scope="col">Moyenne</th>
              </tr>
            </thead>
            <tbody>
              {props.averages.subjects.map((s) => (
                <tr key={s.subject.label}>
                  <th scope="row">{s.subject.label}</th>
                  <td>{formatMark(s.average)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </div>
  );
}
