import { useMutation, useQuery } from '@urql/preact';
import { useRoute } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import { formatDateTime } from '../../format.ts';
import { graphql } from '../../gql/index.ts';
import type { OpenMessageQuery } from '../../gql/graphql.ts';
import { Loading, Notice } from '../../ui/notice.tsx';
import { formText } from './form-text.ts';
import { actionProblem, recallProblem } from './problems.ts';
import { useRefreshCounts } from '../../ui/counters.ts';

const OpenMessage = graphql(`
  query OpenMessage($id: ID!) {
    message(id: $id) {
      id
      subject
      bodyHtml
      sender {
        id
        displayName
      }
      sentAt
      readAt
      to {
        id
        displayName
      }
      lists {
        id
        name
      }
      recalled
      trashed
      ownMessage
      receipts {
        total
        read
        notYetRead {
          id
          displayName
        }
      }
      liaison {
        signed
        asked
        children {
          child {
            id
            displayName
          }
          signatures {
            guardian {
              id
              displayName
            }
            signedAt
          }
        }
      }
    }
  }
`);

const RecallMessage = graphql(`
  mutation RecallMessage($id: ID!) {
    recallMessage(id: $id)
  }
`);

const TrashMessage = graphql(`
  mutation TrashMessage($id: ID!, $trashed: Boolean!) {
    trashMessage(id: $id, trashed: $trashed)
  }
`);

const MoveTargets = graphql(`
  query MoveTargets {
    mailbox {
      folders {
        id
        name
      }
    }
  }
`);

const MoveMessage = graphql(`
  mutation MoveMessage($id: ID!, $folderId: ID) {
    moveMessage(id: $id, folderId: $folderId)
  }
`);

const ReportMessage = graphql(`
  mutation ReportMessage($id: ID!, $reason: String!) {
    reportMessage(id: $id, reason: $reason)
  }
`);

/** The graph's bound on a report's reason. */
const REASON_MAX = 500;

const SignLiaison = graphql(`
  mutation SignLiaison($messageId: ID!, $childId: ID!) {
    signLiaison(messageId: $messageId, childId: $childId)
  }
`);

type OpenedMessage = NonNullable<OpenMessageQuery['message']>;

/** One message: who wrote it to whom, its text; its receipts for its sender; the mot's « Vu » for a family. */
export default function MessagePage() {
  const { params } = useRoute();
  const id = params.id ?? '';
  const [result, refetch] = useQuery({ query: OpenMessage, variables: { id }, requestPolicy: 'cache-and-network' });
  const refreshUnread = useRefreshCounts();
  const message = result.data?.message;
  // Opening it recorded its reading: the navigation's unread count changes.
  const opened = message && !message.ownMessage ? message.id : undefined;
  useEffect(() => {
    if (opened) refreshUnread();
  }, [opened, refreshUnread]);

  if (result.fetching && !result.data) return <Loading />;
  if (!message) {
    return (
      <Notice kind={result.error ? 'error' : 'info'}>
        {result.error
          ? 'La messagerie ne répond pas pour le moment. Réessayez dans un instant.'
          : 'Ce message n’existe pas, ou il a été rappelé par son expéditeur.'}{' '}
        <a href="/messages">Retour à la messagerie</a>
      </Notice>
    );
  }
  const refresh = () => refetch({ requestPolicy: 'network-only' });
  return (
    <div class="cards single">
      <article class="card message" aria-labelledby="message-title">
        <p>
          <a href="/messages">← Messagerie</a>
        </p>
        <h2 id="message-title">{message.subject}</h2>
        <dl class="meta">
          <dt>De</dt>
          <dd>{message.sender.displayName}</dd>
          <dt>Envoyé le</dt>
          <dd>
            <time dateTime={message.sentAt}>{formatDateTime(message.sentAt)}</time>
          </dd>
          {message.lists.length > 0 && (
            <>
              <dt>Listes</dt>
              <dd>{message.lists.map((l) => l.name).join(', ')}</dd>
            </>
          )}
          {message.to.length > 0 && (
            <>
              <dt>À</dt>
              <dd>{message.to.map((p) => p.displayName).join(', ')}</dd>
            </>
          )}
        </dl>
        {message.recalled && <Notice kind="warning">Ce message a été rappelé : les copies non lues ont été retirées.</Notice>}
        {message.trashed && <Notice kind="info">Ce message est dans la corbeille.</Notice>}
        {/* Sanitized by the communication subgraph (lib/markup.ts: no scripts, no handlers), and the CSP forbids inline scripts anyway. */}
        <div class="description body" dangerouslySetInnerHTML={{ __html: message.bodyHtml }} />
        {message.liaison && <LiaisonPanel message={message} liaison={message.liaison} onChange={refresh} />}
        {message.receipts && <Receipts receipts={message.receipts} />}
        <MessageActions message={message} onChange={refresh} />
        {!message.ownMessage && <MoveForm messageId={message.id} />}
        {!message.ownMessage && <ReportForm messageId={message.id} />}
      </article>
    </div>
  );
}

function Receipts(props: { receipts: NonNullable<OpenedMessage['receipts']> }) {
  const { total, read, notYetRead } = props.receipts;
  return (
    <section aria-labelledby="receipts-title">
      <h3 id="receipts-title">Accusés de lecture</h3>
      <p class="receipts-count">
        Lu par {read} sur {total}
      </p>
      {notYetRead.length > 0 && (
        <details>
          <summary>Pas encore lu par {notYetRead.length === 1 ? '1 personne' : `${notYetRead.length} personnes`}</summary>
          <ul class="columns">
            {notYetRead.map((p) => (
              <li key={p.id}>{p.displayName}</li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

/** A mot of the cahier de liaison: its author sees each family's signatures; a guardian signs « Vu » for each child. */
function LiaisonPanel(props: { message: OpenedMessage; liaison: NonNullable<OpenedMessage['liaison']>; onChange: () => void }) {
  const [signing, sign] = useMutation(SignLiaison);
  const [problem, setProblem] = useState<string>();
  const { liaison, message } = props;
  const signFor = async (childId: string) => {
    setProblem(undefined);
    const result = await sign({ messageId: message.id, childId });
    if (result.error || result.data?.signLiaison !== true) setProblem(actionProblem(result.error, 'La signature n’a pas pu être enregistrée. Réessayez.'));
    props.onChange();
  };
  return (
    <section aria-labelledby="liaison-title" class="liaison">
      <h3 id="liaison-title">Mot à signer</h3>
      {message.ownMessage ? (
        <>
          <p>
            Signé : {liaison.signed} sur {liaison.asked}
          </p>
          <ul class="signatures">
            {liaison.children.map((c) => (
              <li key={c.child.id}>
                <strong>{c.child.displayName}</strong>
                <ul>
                  {c.signatures.map((s) => (
                    <li key={s.guardian.id}>
                      {s.guardian.displayName} :{' '}
                      {s.signedAt ? <span class="tag tag-ok">vu le {formatDateTime(s.signedAt)}</span> : <span class="tag tag-warning">pas encore</span>}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </>
      ) : liaison.children.length === 0 ? (
        <p class="muted">Ce mot ne demande pas votre signature.</p>
      ) : (
        <ul class="signatures">
          {liaison.children.map((c) => {
            const mine = c.signatures[0];
            return (
              <li key={c.child.id}>
                {c.child.displayName} :{' '}
                {mine?.signedAt ? (
                  <span class="tag tag-ok">vu le {formatDateTime(mine.signedAt)}</span>
                ) : (
                  <button
                    type="button"
                    class="button"
                    aria-label={`Vu pour ${c.child.displayName}`}
                    disabled={signing.fetching}
                    onClick={() => void signFor(c.child.id)}
                  >
                    Vu
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {problem && <Notice kind="error">{problem}</Notice>}
    </section>
  );
}

function MessageActions(props: { message: OpenedMessage; onChange: () => void }) {
  const { message } = props;
  const [recalling, recall] = useMutation(RecallMessage);
  const [trashing, trash] = useMutation(TrashMessage);
  const [problem, setProblem] = useState<string>();
  const [done, setDone] = useState<string>();
  const recallIt = async () => {
    setProblem(undefined);
    setDone(undefined);
    const result = await recall({ id: message.id });
    if (result.error || result.data?.recallMessage == null) return setProblem(recallProblem(result.error));
    const removed = result.data.recallMessage;
    setDone(
      removed === 0
        ? 'Message rappelé : tous les destinataires l’avaient déjà lu.'
        : `Message rappelé : ${removed} copie${removed > 1 ? 's' : ''} non lue${removed > 1 ? 's' : ''} retirée${removed > 1 ? 's' : ''}.`,
    );
    props.onChange();
  };
  const trashIt = async (trashed: boolean) => {
    setProblem(undefined);
    setDone(undefined);
    const result = await trash({ id: message.id, trashed });
    if (result.error || result.data?.trashMessage !== true) {
      return setProblem(actionProblem(result.error, trashed ? 'Le message n’a pas pu être mis à la corbeille.' : 'Le message n’a pas pu être restauré.'));
    }
    setDone(trashed ? 'Message mis à la corbeille.' : 'Message restauré.');
    props.onChange();
  };
  return (
    <div class="actions">
      {!message.ownMessage && (
        <a class="button" href={`/messages/new?reponse=${encodeURIComponent(message.id)}`}>
          Répondre
        </a>
      )}
      {message.ownMessage && !message.recalled && (
        <button type="button" class="button secondary" disabled={recalling.fetching} onClick={() => void recallIt()}>
          Rappeler le message
        </button>
      )}
      <button type="button" class="button secondary" disabled={trashing.fetching} onClick={() => void trashIt(!message.trashed)}>
        {message.trashed ? 'Restaurer' : 'Mettre à la corbeille'}
      </button>
      {problem && <Notice kind="error">{problem}</Notice>}
      {done && <Notice kind="info">{done}</Notice>}
    </div>
  );
}

/** « Déplacer vers… » : a message received, into one of the viewer's folders or back to « Reçus ». */
function MoveForm(props: { messageId: string }) {
  const [targets] = useQuery({ query: MoveTargets, requestPolicy: 'cache-and-network' });
  const [moving, move] = useMutation(MoveMessage);
  const [problem, setProblem] = useState<string>();
  const [done, setDone] = useState<string>();
  const folders = targets.data?.mailbox?.folders ?? [];
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setProblem(undefined);
    setDone(undefined);
    const folderId = formText(event.currentTarget as HTMLFormElement, 'folder');
    const result = await move({ id: props.messageId, folderId: folderId || null });
    if (result.error || result.data?.moveMessage !== true) return setProblem(actionProblem(result.error, 'Le message n’a pas pu être déplacé.'));
    setDone(`Message déplacé dans « ${folders.find((f) => f.id === folderId)?.name ?? 'Reçus'} ».`);
  };
  return (
    <form class="search" onSubmit={(e) => void submit(e)} aria-label="Déplacer le message">
      <label for="move-folder">Déplacer vers…</label>
      <div class="actions">
        <select id="move-folder" name="folder" aria-describedby="move-folder-hint">
          <option value="">Reçus</option>
          {folders.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
        <button type="submit" class="button secondary" disabled={moving.fetching}>
          Déplacer
        </button>
      </div>
      <p id="move-folder-hint" class="muted">
        Créez vos dossiers depuis la <a href="/messages">messagerie</a> (« Nouveau dossier »).
      </p>
      {problem && <Notice kind="error">{problem}</Notice>}
      {done && <Notice kind="info">{done}</Notice>}
    </form>
  );
}

/** « Signaler » : a message received goes to the school's direction with a reason (they see that message, nothing else). */
function ReportForm(props: { messageId: string }) {
  const [open, setOpen] = useState(false);
  const [reporting, report] = useMutation(ReportMessage);
  const [problem, setProblem] = useState<string>();
  const [reported, setReported] = useState(false);
  if (reported) return <Notice kind="info">Message signalé à la direction de l’établissement.</Notice>;
  if (!open) {
    return (
      <button type="button" class="button secondary" aria-expanded={false} onClick={() => setOpen(true)}>
        Signaler à la direction
      </button>
    );
  }
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setProblem(undefined);
    const reason = new FormData(event.currentTarget as HTMLFormElement).get('reason');
    const text = typeof reason === 'string' ? reason.trim() : '';
    if (!text) return setProblem('Dites en quelques mots pourquoi vous signalez ce message.');
    const result = await report({ id: props.messageId, reason: text });
    if (result.error || result.data?.reportMessage !== true)
      return setProblem(actionProblem(result.error, 'Le signalement n’a pas pu être envoyé. Réessayez.'));
    setReported(true);
  };
  return (
    <form class="compose" onSubmit={(e) => void submit(e)} aria-label="Signaler ce message à la direction">
      <label for="report-reason">Pourquoi signalez-vous ce message ? (la direction de l’établissement verra ce message et votre motif)</label>
      <textarea id="report-reason" name="reason" required rows={3} maxLength={REASON_MAX} />
      {problem && <Notice kind="error">{problem}</Notice>}
      <div class="actions">
        <button type="submit" class="button" disabled={reporting.fetching}>
          Envoyer le signalement
        </button>
        <button type="button" class="button secondary" onClick={() => setOpen(false)}>
          Annuler
        </button>
      </div>
    </form>
  );
}
