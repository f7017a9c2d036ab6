import { useMutation, useQuery } from '@urql/preact';
import { useOnLiveChange } from '../../ui/live-updates.ts';
import { useLocation } from 'preact-iso';
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { formatDateTime } from '../../format.ts';
import { graphql } from '../../gql/index.ts';
import type { Folder } from '../../gql/graphql.ts';
import { Loading, Notice } from '../../ui/notice.tsx';
import { formText } from './form-text.ts';
import { MessagingViewer } from './viewer.ts';

/** What a folder's or a search's line shows of a message: one fragment for both lists. */
graphql(`
  fragment MessageLine on MessageSummary {
    id
    subject
    sender {
      id
      displayName
    }
    sentAt
    readAt
    requiresSignature
    recalled
  }
`);

const MailboxFolder = graphql(`
  query MailboxFolder($folder: Folder!, $after: String) {
    mailbox {
      unreadCount
      folder(name: $folder, first: 20, after: $after) {
        items {
          ...MessageLine
        }
        nextCursor
      }
    }
  }
`);

const OwnFolderPage = graphql(`
  query OwnFolderPage($id: ID!, $after: String) {
    mailbox {
      ownFolder(id: $id, first: 20, after: $after) {
        items {
          ...MessageLine
        }
        nextCursor
      }
    }
  }
`);

const OwnFolders = graphql(`
  query OwnFolders {
    mailbox {
      folders {
        id
        name
        unreadCount
      }
    }
  }
`);

const CreateFolder = graphql(`
  mutation CreateFolder($name: String!) {
    createMessageFolder(name: $name) {
      id
    }
  }
`);

const RenameFolder = graphql(`
  mutation RenameFolder($id: ID!, $name: String!) {
    renameMessageFolder(id: $id, name: $name) {
      id
      name
    }
  }
`);

const DeleteFolder = graphql(`
  mutation DeleteFolder($id: ID!) {
    deleteMessageFolder(id: $id)
  }
`);

/** What the graph takes for a folder's name (subgraphs/communication). */
const FOLDER_NAME_MAX = 60;

const SearchMessages = graphql(`
  query SearchMessages($text: String!) {
    mailbox {
      search(text: $text, first: 50) {
        ...MessageLine
      }
    }
  }
`);

/** What the graph's search takes (subgraphs/communication). */
const SEARCH_MIN = 2;
const SEARCH_MAX = 100;

/** The folders, by the name the address carries (`/messages?dossier=envoyes`): a folder can be linked to and reloaded. */
const FOLDERS: readonly { key: string; name: Folder; label: string }[] = [
  { key: 'recus', name: 'INBOX', label: 'Reçus' },
  { key: 'envoyes', name: 'SENT', label: 'Envoyés' },
  { key: 'brouillons', name: 'DRAFTS', label: 'Brouillons' },
  { key: 'corbeille', name: 'TRASH', label: 'Corbeille' },
];

const folderHref = (key: string) => (key === 'recus' ? '/messages' : `/messages?dossier=${key}`);

/** « Messagerie » : the folders, each newest first, page by page. */
export default function MailboxPage() {
  const { query, route } = useLocation();
  const folder = FOLDERS.find((f) => f.key === query.dossier) ?? FOLDERS[0]!;
  const [searched, setSearched] = useState<string>();
  const [viewer] = useQuery({ query: MessagingViewer });
  const [own, refetchOwn] = useQuery({ query: OwnFolders, requestPolicy: 'cache-and-network' });
  useOnLiveChange('MESSAGES', () => refetchOwn({ requestPolicy: 'network-only' }));
  const folders = own.data?.mailbox?.folders ?? [];
  // One of the viewer's own folders (`/messages?mon-dossier=…`), when it is one of theirs.
  const mine = folders.find((f) => f.id === query['mon-dossier']);
  const refreshOwn = () => refetchOwn({ requestPolicy: 'network-only' });
  return (
    <article class="card" aria-labelledby="mailbox-title">
      <h2 id="mailbox-title">Messagerie</h2>
      <p>
        <a class="button" href="/messages/new">
          Écrire un message
        </a>
        {viewer.data?.viewer?.profile === 'STAFF' && (
          <a class="button secondary" href="/messages/signalements">
            Messages signalés
          </a>
        )}
      </p>
      <nav aria-label="Dossiers">
        <ul class="folders">
          {FOLDERS.map((f) => (
            <li key={f.key}>
              <a href={folderHref(f.key)} aria-current={!mine && f === folder ? 'page' : undefined}>
                {f.label}
              </a>
            </li>
          ))}
        </ul>
        {folders.length > 0 && (
          <ul class="folders" aria-label="Mes dossiers">
            {folders.map((f) => (
              <li key={f.id}>
                <a href={`/messages?mon-dossier=${encodeURIComponent(f.id)}`} aria-current={f === mine ? 'page' : undefined}>
                  {f.name}
                  {f.unreadCount > 0 && (
                    <span class="muted">
                      {' '}
                      ({f.unreadCount} non lu{f.unreadCount > 1 ? 's' : ''})
                    </span>
                  )}
                </a>
              </li>
            ))}
          </ul>
        )}
      </nav>
      <NewFolderForm onCreated={(id) => (refreshOwn(), route(`/messages?mon-dossier=${encodeURIComponent(id)}`))} />
      <SearchForm searched={searched} onSearch={setSearched} />
      {searched ? (
        <SearchResults text={searched} onClose={() => setSearched(undefined)} />
      ) : mine ? (
        <FolderList key={mine.id} folder={{ key: mine.id, label: mine.name, ownId: mine.id }}>
          <OwnFolderActions folder={mine} onRenamed={refreshOwn} onDeleted={() => (refreshOwn(), route('/messages'))} />
        </FolderList>
      ) : (
        /* Keyed by folder: another folder starts again from its newest page. */
        <FolderList key={folder.key} folder={folder} />
      )}
    </article>
  );
}

/** « Rechercher » : words of the sender's name, the subject or the text, in every folder. */
function SearchForm(props: { searched: string | undefined; onSearch: (text: string) => void }) {
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const text = new FormData(event.currentTarget as HTMLFormElement).get('text');
    if (typeof text === 'string' && text.trim().length >= SEARCH_MIN) props.onSearch(text.trim());
  };
  return (
    <form role="search" class="search" onSubmit={submit} aria-label="Recherche dans la messagerie">
      <label for="mailbox-search">Rechercher dans mes messages</label>
      <div class="actions">
        <input id="mailbox-search" name="text" type="search" required minLength={SEARCH_MIN} maxLength={SEARCH_MAX} defaultValue={props.searched ?? ''} />
        <button type="submit" class="button secondary">
          Rechercher
        </button>
      </div>
    </form>
  );
}

function SearchResults(props: { text: string; onClose: () => void }) {
  const [result] = useQuery({ query: SearchMessages, variables: { text: props.text }, requestPolicy: 'cache-and-network' });
  const found = result.data?.mailbox?.search;
  return (
    <section aria-labelledby="folder-title">
      <h3 id="folder-title">Résultats pour « {props.text} »</h3>
      {result.fetching && !found ? (
        <Loading />
      ) : !found ? (
        <Notice kind="error">La recherche ne répond pas pour le moment. Réessayez dans un instant.</Notice>
      ) : found.length === 0 ? (
        <p class="muted">Aucun message ne correspond.</p>
      ) : (
        <MessageList items={found} />
      )}
      <button type="button" class="button secondary" onClick={props.onClose}>
        Retour aux dossiers
      </button>
    </section>
  );
}

/** « Nouveau dossier » : a folder of the viewer's own, to file received messages in. */
function NewFolderForm(props: { onCreated: (id: string) => void }) {
  const [creating, create] = useMutation(CreateFolder);
  const [problem, setProblem] = useState<string>();
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setProblem(undefined);
    const form = event.currentTarget as HTMLFormElement;
    const name = formText(form, 'name').trim();
    if (!name) return setProblem('Donnez un nom au dossier.');
    const result = await create({ name });
    const id = result.data?.createMessageFolder.id;
    if (result.error || !id) return setProblem(folderProblem(result.error, 'Le dossier n’a pas pu être créé.'));
    form.reset();
    props.onCreated(id);
  };
  return (
    <form class="search" onSubmit={(e) => void submit(e)}>
      <label for="new-folder">Nouveau dossier</label>
      <div class="actions">
        <input id="new-folder" name="name" type="text" required maxLength={FOLDER_NAME_MAX} />
        <button type="submit" class="button secondary" disabled={creating.fetching}>
          Créer le dossier
        </button>
      </div>
      {problem && <Notice kind="error">{problem}</Notice>}
    </form>
  );
}

/** What the graph's refusal of a folder's change means for the person. */
function folderProblem(error: { graphQLErrors?: readonly { extensions?: Record<string, unknown> }[] } | undefined, otherwise: string): string {
  const code = error?.graphQLErrors?.[0]?.extensions?.code;
  if (code === 'CONFLICT') return 'Vous avez déjà un dossier de ce nom.';
  if (code === 'QUOTA_EXCEEDED') return 'Vous avez déjà 100 dossiers : supprimez-en un d’abord.';
  if (code === 'BAD_USER_INPUT') return `Le nom d’un dossier compte de 1 à ${FOLDER_NAME_MAX} caractères, sans retour à la ligne.`;
  return otherwise;
}

/** Rename or delete one of the viewer's folders (its messages go back to « Reçus »). */
function OwnFolderActions(props: { folder: { id: string; name: string }; onRenamed: () => void; onDeleted: () => void }) {
  const [renaming, rename] = useMutation(RenameFolder);
  const [deleting, remove] = useMutation(DeleteFolder);
  const [problem, setProblem] = useState<string>();
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setProblem(undefined);
    const name = formText(event.currentTarget as HTMLFormElement, 'name').trim();
    const result = await rename({ id: props.folder.id, name });
    if (result.error || !result.data) return setProblem(folderProblem(result.error, 'Le dossier n’a pas pu être renommé.'));
    props.onRenamed();
  };
  const deleteIt = async () => {
    setProblem(undefined);
    const result = await remove({ id: props.folder.id });
    if (result.error || result.data?.deleteMessageFolder == null) return setProblem(folderProblem(result.error, 'Le dossier n’a pas pu être supprimé.'));
    props.onDeleted();
  };
  return (
    <div class="folder-actions">
      <form class="search" onSubmit={(e) => void submit(e)}>
        <label for="rename-folder">Renommer le dossier</label>
        <div class="actions">
          <input id="rename-folder" name="name" type="text" required maxLength={FOLDER_NAME_MAX} defaultValue={props.folder.name} />
          <button type="submit" class="button secondary" disabled={renaming.fetching}>
            Renommer
          </button>
        </div>
      </form>
      <p class="actions">
        <button type="button" class="button secondary" disabled={deleting.fetching} onClick={() => void deleteIt()} aria-describedby="delete-folder-hint">
          Supprimer le dossier
        </button>
        <span id="delete-folder-hint" class="muted">
          Ses messages reviennent dans « Reçus ».
        </span>
      </p>
      {problem && <Notice kind="error">{problem}</Notice>}
    </div>
  );
}

type FolderView = (typeof FOLDERS)[number] | { key: string; label: string; ownId: string };

function FolderList(props: { folder: FolderView; children?: ComponentChildren }) {
  // The cursors of the pages opened so far: « Plus ancien » adds one, « Plus récent » goes back.
  const [cursors, setCursors] = useState<string[]>([]);
  const after = cursors[cursors.length - 1];
  const ownId = 'ownId' in props.folder ? props.folder.ownId : undefined;
  const name = 'name' in props.folder ? props.folder.name : 'INBOX';
  const [standard, reexecuteStandard] = useQuery({
    query: MailboxFolder,
    variables: { folder: name, after },
    requestPolicy: 'cache-and-network',
    pause: Boolean(ownId),
  });
  const [own, reexecuteOwn] = useQuery({ query: OwnFolderPage, variables: { id: ownId ?? '', after }, requestPolicy: 'cache-and-network', pause: !ownId });
  const result = ownId ? own : standard;
  // A message arrives, or is read or recalled elsewhere: the newest page shows it (an older page stays as it is).
  useOnLiveChange('MESSAGES', () => {
    if (after === undefined) (ownId ? reexecuteOwn : reexecuteStandard)({ requestPolicy: 'network-only' });
  });
  const page = ownId ? own.data?.mailbox?.ownFolder : standard.data?.mailbox?.folder;
  const sent = name === 'SENT' && !ownId;
  const drafts = name === 'DRAFTS' && !ownId;
  return (
    <section aria-labelledby="folder-title">
      <h3 id="folder-title">
        {props.folder.label}
        {cursors.length > 0 && <span class="muted"> · page {cursors.length + 1}</span>}
      </h3>
      {props.children}
      {result.fetching && !page ? (
        <Loading />
      ) : !page ? (
        <Notice kind="error">La messagerie ne répond pas pour le moment. Réessayez dans un instant.</Notice>
      ) : page.items.length === 0 ? (
        <p class="muted">Aucun message.</p>
      ) : (
        <MessageList items={page.items} sent={sent} drafts={drafts} />
      )}
      <div class="actions">
        {cursors.length > 0 && (
          <button type="button" class="button secondary" onClick={() => setCursors(cursors.slice(0, -1))}>
            Plus récent
          </button>
        )}
        {page?.nextCursor && (
          <button type="button" class="button secondary" onClick={() => setCursors([...cursors, page.nextCursor!])}>
            Plus ancien
          </button>
        )}
      </div>
    </section>
  );
}

interface SummaryView {
  id: string;
  subject: string;
  sender: { displayName: string };
  sentAt: string;
  readAt?: string | null;
  requiresSignature: boolean;
  recalled: boolean;
}

/** Messages, newest first: bold while not opened (one's own count as read when sent), « À signer » for a mot. */
function MessageList(props: { items: readonly SummaryView[]; sent?: boolean; drafts?: boolean }) {
  return (
    <ul class="messages">
      {props.items.map((m) => {
        if (props.drafts) {
          return (
            <li key={m.id}>
              <a href={`/messages/new?brouillon=${encodeURIComponent(m.id)}`}>{m.subject || '(sans objet)'}</a>
              <p class="meta">
                Brouillon enregistré le <time dateTime={m.sentAt}>{formatDateTime(m.sentAt)}</time>
              </p>
            </li>
          );
        }
        const unread = !props.sent && !m.readAt;
        return (
          <li key={m.id} class={unread ? 'unread' : undefined}>
            {/* Said before the link, not inside it: the link's name stays the subject. */}
            {unread && <span class="visually-hidden">Non lu : </span>}
            <a href={`/messages/${encodeURIComponent(m.id)}`}>{m.subject}</a>
            {m.requiresSignature && <strong class="badge"> À signer</strong>}
            {m.recalled && <strong class="tag tag-warning"> Rappelé</strong>}
            <p class="meta">
              {props.sent ? 'Envoyé' : m.sender.displayName} · <time dateTime={m.sentAt}>{formatDateTime(m.sentAt)}</time>
            </p>
          </li>
        );
      })}
    </ul>
  );
}
