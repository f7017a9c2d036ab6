import { useMutation, useQuery } from '@urql/preact';
import { useLocation } from 'preact-iso';
import { useEffect, useRef, useState } from 'preact/hooks';
import { graphql } from '../../gql/index.ts';
import type { RecipientKind } from '../../gql/graphql.ts';
import { Loading, Notice } from '../../ui/notice.tsx';
import { sendingProblem } from './problems.ts';
import { htmlToText, textToHtml } from './text-to-html.ts';
import { MessagingViewer } from './viewer.ts';

const ReplyTo = graphql(`
  query ReplyTo($id: ID!) {
    message(id: $id) {
      id
      subject
      sender {
        id
        displayName
      }
    }
  }
`);

const SearchRecipients = graphql(`
  query SearchRecipients($search: String!) {
    recipients(search: $search, first: 20) {
      id
      name
      kind
      profile
    }
  }
`);

const SendMessage = graphql(`
  mutation SendMessage($input: SendMessageInput!) {
    sendMessage(input: $input) {
      id
    }
  }
`);

const SaveDraft = graphql(`
  mutation SaveDraft($input: DraftInput!, $id: ID) {
    saveDraft(input: $input, id: $id) {
      id
      updatedAt
    }
  }
`);

const SendDraft = graphql(`
  mutation SendDraft($id: ID!) {
    sendDraft(id: $id) {
      id
    }
  }
`);

const OpenDraft = graphql(`
  query OpenDraft($id: ID!) {
    mailbox {
      draft(id: $id) {
        id
        subject
        bodyHtml
        inReplyTo
        requiresSignature
        to {
          id
          name
          kind
        }
      }
    }
  }
`);

interface Chosen {
  id: string;
  name: string;
  kind: RecipientKind;
}

/** What the graph accepts (subgraphs/communication): said by the form itself, before sending. */
const SUBJECT_MAX = 200;
const BODY_MAX = 50_000;
/** The graph's bound on the body's HTML (escaping makes it longer than the text typed). */
const BODY_HTML_MAX = 100_000;
const SEARCH_MIN = 2;
const SEARCH_MAX = 100;
/** A pause in the typing before asking the graph, so each key does not cost a request. */
const SEARCH_DELAY_MS = 250;

const PROFILE_LABEL: Record<string, string> = { TEACHER: 'enseignant', STAFF: 'personnel', GUARDIAN: 'parent', STUDENT: 'élève' };

/** « Écrire un message »: recipients found by name, a subject, the text; a mot to sign for teachers and staff; a reply. */
export default function ComposePage() {
  const { query, route } = useLocation();
  const [draftId, setDraftId] = useState<string | undefined>(query.brouillon);
  const [viewer] = useQuery({ query: MessagingViewer });
  // A draft reopened (`/messages/new?brouillon=…`): what was saved fills the form once.
  const [draft] = useQuery({ query: OpenDraft, variables: { id: query.brouillon ?? '' }, pause: !query.brouillon });
  const savedDraft = draft.data?.mailbox?.draft;
  const replyId = query.reponse ?? savedDraft?.inReplyTo ?? undefined;
  const [original] = useQuery({ query: ReplyTo, variables: { id: replyId ?? '' }, pause: !replyId });
  const [sending, send] = useMutation(SendMessage);
  const [savingDraft, saveDraft] = useMutation(SaveDraft);
  const [sendingDraft, sendDraft] = useMutation(SendDraft);
  const [saved, setSaved] = useState<string>();
  const [chosen, setChosen] = useState<Chosen[]>([]);
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [mot, setMot] = useState(false);
  const [problem, setProblem] = useState<string>();

  // A reply: to the sender of the message answered (always allowed), « Re : » its subject.
  const answered = original.data?.message;
  // Once per message answered: a later answer of the same query (a refetch) does not undo what was typed.
  const prefilled = useRef<string | undefined>(undefined);
  const draftFilled = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!savedDraft || draftFilled.current === savedDraft.id) return;
    draftFilled.current = savedDraft.id;
    // A reopened draft's reply is already prefilled as saved: the reply's defaults do not override it.
    prefilled.current = savedDraft.inReplyTo ?? undefined;
    setChosen(savedDraft.to.map((r) => ({ id: r.id, name: r.name ?? 'Destinataire indisponible', kind: r.kind })));
    setSubject(savedDraft.subject);
    setBody(htmlToText(savedDraft.bodyHtml));
    setMot(savedDraft.requiresSignature);
  }, [savedDraft]);
  useEffect(() => {
    if (!answered || prefilled.current === answered.id) return;
    prefilled.current = answered.id;
    setChosen([{ id: answered.sender.id, name: answered.sender.displayName, kind: 'PERSON' }]);
    setSubject(/^re\s?:/i.test(answered.subject) ? answered.subject : `Re : ${answered.subject}`.slice(0, SUBJECT_MAX));
  }, [answered]);

  if ((viewer.fetching && !viewer.data) || (draft.fetching && !draft.data)) return <Loading />;
  const profile = viewer.data?.viewer?.profile;
  const mayAskSignature = profile === 'TEACHER' || profile === 'STAFF';

  /** Saves what is written as a draft (new, or the one reopened); its id, or undefined with the problem said. */
  const save = async (): Promise<string | undefined> => {
    const html = textToHtml(body);
    if (html.length > BODY_HTML_MAX) {
      setProblem('Le message est trop long : raccourcissez-le, ou envoyez-le en plusieurs fois.');
      return undefined;
    }
    const result = await saveDraft({
      id: draftId,
      input: { to: chosen.map((c) => c.id), subject: subject.trim(), body: html, inReplyTo: answered?.id, requiresSignature: mayAskSignature && mot },
    });
    const kept = result.data?.saveDraft;
    if (result.error || !kept) {
      setProblem(sendingProblem(result.error, (id) => chosen.find((c) => c.id === id)?.name ?? id));
      return undefined;
    }
    setDraftId(kept.id);
    // The address names the draft: a reload reopens it.
    if (!draftId) history.replaceState(null, '', `/messages/new?brouillon=${encodeURIComponent(kept.id)}`);
    return kept.id;
  };

  const saveIt = async () => {
    setProblem(undefined);
    setSaved(undefined);
    if (await save()) setSaved(`Brouillon enregistré à ${new Date().toLocaleTimeString('fr-FR', { hour: '2-digit', minute: '2-digit' })}.`);
  };

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setProblem(undefined);
    if (chosen.length === 0) return setProblem('Choisissez au moins un destinataire.');
    if (mot && chosen.some((c) => c.kind === 'PERSON')) {
      return setProblem('Un mot à signer s’adresse aux listes « Parents de … » seulement : retirez les personnes choisies, ou décochez « Mot à signer ».');
    }
    if (draftId) {
      // A draft is sent as saved now, once: the hub deletes it as it sends it.
      const id = await save();
      if (!id) return;
      const result = await sendDraft({ id });
      const sent = result.data?.sendDraft;
      if (result.error || !sent) return setProblem(sendingProblem(result.error, (r) => chosen.find((c) => c.id === r)?.name ?? r));
      return route(`/messages/${encodeURIComponent(sent.id)}`);
    }
    const html = textToHtml(body);
    if (html.length > BODY_HTML_MAX) return setProblem('Le message est trop long : raccourcissez-le, ou envoyez-le en plusieurs fois.');
    const result = await send({
      input: {
        to: chosen.map((c) => c.id),
        subject: subject.trim(),
        body: html,
        inReplyTo: answered?.id,
        requiresSignature: mayAskSignature && mot,
      },
    });
    const sent = result.data?.sendMessage;
    if (result.error || !sent) return setProblem(sendingProblem(result.error, (id) => chosen.find((c) => c.id === id)?.name ?? id));
    route(`/messages/${encodeURIComponent(sent.id)}`);
  };

  return (
    <article class="card" aria-labelledby="compose-title">
      <p>
        <a href="/messages">← Messagerie</a>
      </p>
      <h2 id="compose-title">{draftId ? 'Brouillon' : answered ? 'Répondre' : 'Écrire un message'}</h2>
      {query.brouillon && draft.data && !savedDraft && <Notice kind="warning">Ce brouillon n’existe plus (il a peut-être déjà été envoyé).</Notice>}
      {replyId && original.data && !answered && <Notice kind="warning">Le message auquel vous répondez n’est plus disponible.</Notice>}
      <form class="compose" onSubmit={(e) => void submit(e)}>
        <RecipientPicker chosen={chosen} onChange={setChosen} />
        <label for="compose-subject">Objet</label>
        <input id="compose-subject" type="text" required maxLength={SUBJECT_MAX} value={subject} onInput={(e) => setSubject(e.currentTarget.value)} />
        <label for="compose-body">Message</label>
        <textarea id="compose-body" required rows={8} maxLength={BODY_MAX} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
        {mayAskSignature && (
          <>
            <label class="check">
              <input type="checkbox" checked={mot} onChange={(e) => setMot(e.currentTarget.checked)} aria-describedby="compose-mot-hint" /> Mot à signer
            </label>
            <p id="compose-mot-hint" class="muted">
              Cahier de liaison : pour les listes « Parents de … » ; chaque responsable légal le signe pour chacun de ses enfants.
            </p>
          </>
        )}
        {problem && <Notice kind="error">{problem}</Notice>}
        {saved && (
          <p role="status" class="muted">
            {saved}
          </p>
        )}
        <div class="actions">
          <button type="submit" class="button" disabled={sending.fetching || sendingDraft.fetching || savingDraft.fetching}>
            {sending.fetching || sendingDraft.fetching ? 'Envoi…' : 'Envoyer'}
          </button>
          <button type="button" class="button secondary" disabled={savingDraft.fetching} onClick={() => void saveIt()} aria-describedby="compose-draft-hint">
            Enregistrer le brouillon
          </button>
        </div>
        <p id="compose-draft-hint" class="muted">
          Les brouillons se retrouvent dans le dossier « Brouillons » ; ils ne gardent pas de pièces jointes.
        </p>
      </form>
    </article>
  );
}

/** Recipients found by name among those the viewer may write to (`recipients`), shown as removable chips. */
function RecipientPicker(props: { chosen: Chosen[]; onChange: (chosen: Chosen[]) => void }) {
  const [text, setText] = useState('');
  const [search, setSearch] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const timer = setTimeout(() => setSearch(text.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text]);
  const [found] = useQuery({ query: SearchRecipients, variables: { search }, pause: search.length < SEARCH_MIN });
  const offered = search.length < SEARCH_MIN ? [] : (found.data?.recipients ?? []).filter((r) => !props.chosen.some((c) => c.id === r.id));
  const choose = (recipient: Chosen) => {
    props.onChange([...props.chosen, recipient]);
    setText('');
    setSearch('');
    input.current?.focus();
  };
  return (
    <fieldset class="recipients">
      <legend>Destinataires</legend>
      {props.chosen.length > 0 && (
        <ul class="chips" aria-label="Destinataires choisis">
          {props.chosen.map((c) => (
            <li key={c.id}>
              {c.name}{' '}
              <button
                type="button"
                class="chip-remove"
                aria-label={`Retirer ${c.name}`}
                onClick={() => props.onChange(props.chosen.filter((other) => other.id !== c.id))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <label for="compose-search">Chercher une personne ou une liste</label>
      <input
        id="compose-search"
        ref={input}
        type="search"
        autoComplete="off"
        maxLength={SEARCH_MAX}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
        aria-describedby="compose-search-hint"
        aria-controls="compose-found"
      />
      <p id="compose-search-hint" class="muted">
        Au moins deux lettres d’un nom, ou d’une liste (« Parents de 5EA »).
      </p>
      <p class="visually-hidden" role="status">
        {search.length >= SEARCH_MIN && found.data ? (offered.length === 0 ? 'Aucun destinataire trouvé.' : `${offered.length} destinataires trouvés.`) : ''}
      </p>
      {search.length >= SEARCH_MIN && found.error && <Notice kind="error">La recherche ne répond pas pour le moment.</Notice>}
      {search.length >= SEARCH_MIN && found.data && offered.length === 0 && <p class="muted">Aucun destinataire possible ne correspond.</p>}
      <ul id="compose-found" class="found" aria-label="Destinataires trouvés">
        {offered.map((r) => (
          <li key={r.id}>
            <button type="button" class="option" onClick={() => choose({ id: r.id, name: r.name, kind: r.kind })}>
              {r.name}
              <span class="muted"> · {r.kind === 'LIST' ? 'liste' : (PROFILE_LABEL[r.profile ?? ''] ?? 'personne')}</span>
            </button>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
