import { formatShortDay } from '../format.ts';

export interface HomeworkView {
  id: string;
  dueOn: string;
  done: boolean;
  descriptionHtml: string;
  returnKind?: string | null;
  submitted: boolean;
  subject: { label: string };
}

/**
 * Homework due, soonest first. `renderActions` adds what the viewer may do (a pupil: mark it done,
 * hand in a file); a guardian sees the state only.
 */
export function HomeworkList(props: {
  homework: readonly HomeworkView[] | null | undefined;
  renderActions?: (homework: HomeworkView) => preact.ComponentChildren;
}) {
  if (!props.homework) return null;
  const due = [...props.homework].sort((a, b) => a.dueOn.localeCompare(b.dueOn));
  if (due.length === 0) return <p class="muted">Aucun devoir à faire.</p>;
  return (
    <ul class="homework">
      {due.map((homework) => (
        <li key={homework.id} class={homework.done ? 'done' : undefined}>
          <p>
            <span class="subject">{homework.subject.label}</span> — pour le {formatShortDay(homework.dueOn)}
            {homework.done ? <strong class="tag tag-ok"> Fait</strong> : <strong class="tag"> À faire</strong>}
            {homework.returnKind === 'FILE' &&
              (homework.submitted ? <strong class="tag tag-ok"> Rendu</strong> : <strong class="tag tag-info"> À rendre en ligne</strong>)}
          </p>
          {/* Sanitized by the vie scolaire subgraph (no scripts, no handlers), and the CSP forbids inline scripts anyway. */}
          <div class="description" dangerouslySetInnerHTML={{ __html: homework.descriptionHtml }} />
          {props.renderActions?.(homework)}
        </li>
      ))}
    </ul>
  );
}
