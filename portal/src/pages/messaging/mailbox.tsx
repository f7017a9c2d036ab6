import { useQuery } from '@urql/preact';
import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { formatDateTime } from '../../format.ts';
import { graphql } from '../../gql/index.ts';
import type { Folder } from '../../gql/graphql.ts';
import { Loading, Notice } from '../../ui/notice.tsx';
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
  { key: 'corbeille', name: 'TRASH', label: 'Corbeille' },
];

const folderHref = (key: string) => (key === 'recus' ? '/messages' : `/messages?dossier=${key}`);

/** « Messagerie » : the folders, each newest first, page by page. */
export default function MailboxPage() {
  const { query } = useLocation();
  const folder = FOLDERS.find((f) => f.key === query.dossier) ?? FOLDERS[0]!;
  const [searched, setSearched] = useState<string>();
  const [viewer] = useQuery({ query: MessagingViewer });
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
              <a href={folderHref(f.key)} aria-current={f === folder ? 'page' : undefined}>
                {f.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <SearchForm searched={searched} onSearch={setSearched} />
      {searched ? (
        <SearchResults text={searched} onClose={() => setSearched(undefined)} />
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

function FolderList(props: { folder: (typeof FOLDERS)[number] }) {
  // The cursors of the pages opened so far: « Plus ancien » adds one, « Plus récent » goes back.
  const [cursors, setCursors] = useState<string[]>([]);
  const after = cursors[cursors.length - 1];
  const [result] = useQuery({ query: MailboxFolder, variables: { folder: props.folder.name, after }, requestPolicy: 'cache-and-network' });
  const page = result.data?.mailbox?.folder;
  const sent = props.folder.name === 'SENT';
  return (
    <section aria-labelledby="folder-title">
      <h3 id="folder-title">
        {props.folder.label}
        {cursors.length > 0 && <span class="muted"> · page {cursors.length + 1}</span>}
      </h3>
      {result.fetching && !page ? (
        <Loading />
      ) : !page ? (
        <Notice kind="error">La messagerie ne répond pas pour le moment. Réessayez dans un instant.</Notice>
      ) : page.items.length === 0 ? (
        <p class="muted">Aucun message.</p>
      ) : (
        <MessageList items={page.items} sent={sent} />
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
function MessageList(props: { items: readonly SummaryView[]; sent?: boolean }) {
  return (
    <ul class="messages">
      {props.items.map((m) => {
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
