import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { graphql } from '../gql/index.ts';
import { formatDateTime } from '../format.ts';
import { isRateLimited } from '../graphql/client.ts';
import { FileTooLargeError, readFileUpload } from '../ui/file-input.ts';
import { Notice } from '../ui/notice.tsx';

const JustifyAbsence = graphql(`
  mutation JustifyAbsence($input: JustifyAbsenceInput!) {
    justifyAbsence(input: $input) {
      id
      absenceId
      reason
      state
      submittedAt
      updatedAt
    }
  }
`);

interface AbsenceView {
  id: string;
  start: string;
  end: string;
  justified: boolean;
  settled: boolean;
  parentsShouldJustify: boolean;
}

interface JustificationView {
  id: string;
  absenceId: string;
  state: string;
  updatedAt: string;
}

/** Where a justification stands, in the words of the school office. */
const STATE_LABEL: Record<string, string> = {
  PENDING: 'En attente d’envoi à l’établissement',
  SENT: 'Reçue par l’établissement',
  ACCEPTED: 'Acceptée',
  REJECTED: 'Refusée',
};

const REASONS = ['Maladie', 'Rendez-vous médical', 'Raison familiale', 'Problème de transport', 'Autre'];

/** The absences still to justify, each with its « Justifier » form, and the state of those sent. */
export function AbsencesToJustify(props: {
  pupil: { id: string; firstName: string };
  absences: readonly AbsenceView[] | null | undefined;
  justifications: readonly JustificationView[] | null | undefined;
  onJustified: () => void;
}) {
  if (!props.absences) return null;
  const latestByAbsence = new Map<string, JustificationView>();
  for (const j of props.justifications ?? []) if (!latestByAbsence.has(j.absenceId)) latestByAbsence.set(j.absenceId, j);
  const shown = props.absences.filter((a) => (!a.justified && a.parentsShouldJustify) || latestByAbsence.has(a.id));
  if (shown.length === 0) return <p class="muted">Aucune absence à justifier.</p>;
  return (
    <ul class="absences">
      {shown.map((absence) => {
        const sent = latestByAbsence.get(absence.id);
        return (
          <li key={absence.id}>
            <p>
              Absence du {formatDateTime(absence.start)} au {formatDateTime(absence.end)}
            </p>
            {sent && sent.state !== 'REJECTED' ? (
              <p class={`state state-${sent.state.toLowerCase()}`} role="status">
                Justification : <strong>{STATE_LABEL[sent.state] ?? sent.state}</strong>
              </p>
            ) : (
              <>
                {sent && <Notice kind="warning">La justification précédente a été refusée par l’établissement.</Notice>}
                <JustifyForm pupil={props.pupil} absenceId={absence.id} onDone={props.onJustified} />
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}

function JustifyForm(props: { pupil: { id: string; firstName: string }; absenceId: string; onDone: () => void }) {
  const [open, setOpen] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [state, justify] = useMutation(JustifyAbsence);
  const formId = `justify-${props.absenceId}`;
  if (!open) {
    return (
      <button type="button" class="button" onClick={() => setOpen(true)} aria-expanded={false}>
        Justifier
      </button>
    );
  }
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setProblem(undefined);
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const chosen = form.get('attachment');
    let attachment;
    try {
      attachment = chosen instanceof File && chosen.size > 0 ? await readFileUpload(chosen) : undefined;
    } catch (error) {
      setProblem(error instanceof FileTooLargeError ? error.message : 'Le fichier n’a pas pu être lu.');
      return;
    }
    const text = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' ? value.trim() : '';
    };
    const comment = text('comment');
    const result = await justify({
      input: { pupilId: props.pupil.id, absenceId: props.absenceId, reason: text('reason'), comment: comment || undefined, attachment },
    });
    if (result.error || !result.data?.justifyAbsence) {
      setProblem(
        isRateLimited(result.error)
          ? 'Trop de demandes : patientez une minute avant de réessayer.'
          : (result.error?.graphQLErrors[0]?.message ?? 'La justification n’a pas pu être enregistrée. Réessayez.'),
      );
      return;
    }
    setOpen(false);
    props.onDone();
  };
  return (
    <form id={formId} class="justify" onSubmit={(e) => void submit(e)} aria-label={`Justifier l’absence de ${props.pupil.firstName}`}>
      <label for={`${formId}-reason`}>Motif</label>
      <select id={`${formId}-reason`} name="reason" required>
        {REASONS.map((reason) => (
          <option key={reason}>{reason}</option>
        ))}
      </select>
      <label for={`${formId}-comment`}>Commentaire (facultatif)</label>
      <textarea id={`${formId}-comment`} name="comment" maxLength={500} rows={2} />
      <label for={`${formId}-file`}>Justificatif (PDF, photo ; 1 Mo au plus ; facultatif)</label>
      <input id={`${formId}-file`} name="attachment" type="file" accept="application/pdf,image/png,image/jpeg" />
      {problem && <Notice kind="error">{problem}</Notice>}
      <div class="actions">
        <button type="submit" class="button" disabled={state.fetching}>
          {state.fetching ? 'Envoi…' : 'Envoyer la justification'}
        </button>
        <button type="button" class="button secondary" onClick={() => setOpen(false)}>
          Annuler
        </button>
      </div>
    </form>
  );
}
