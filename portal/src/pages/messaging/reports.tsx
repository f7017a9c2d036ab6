import type { CombinedError } from '@urql/core';
import { useQuery } from '@urql/preact';
import { formatDateTime } from '../../format.ts';
import { graphql } from '../../gql/index.ts';
import { isRateLimited } from '../../graphql/client.ts';
import { Loading, Notice } from '../../ui/notice.tsx';

const ReportedMessages = graphql(`
  query ReportedMessages {
    reportedMessages(first: 50) {
      id
      reportedAt
      reason
      reporter {
        id
        displayName
      }
      messageId
      author {
        id
        displayName
        subject
        bodyHtml
        sentAt
      }
    }
  }
`);

/** The router's refusal of a field the viewer's scopes do not grant (messaging:moderate is the direction's). */
const refused = (error: CombinedError | undefined) =>
  !!error?.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHORIZED_FIELD_OR_TYPE' || e.extensions?.code === 'FORBIDDEN');

/**
 * « Messages signalés » : for a school's direction, the messages reported to it (the reported
 * message and the reason, nothing else of anyone's mailbox). The hub journals each reading, naming
 * the author.
 */
export default function ReportsPage() {
  const [result] = useQuery({ query: ReportedMessages, requestPolicy: 'cache-and-network' });
  const reports = result.data?.reportedMessages;
  return (
    <article class="card" aria-labelledby="reports-title">
      <p>
        <a href="/messages">← Messagerie</a>
      </p>
      <h2 id="reports-title">Messages signalés</h2>
      {result.fetching && !reports ? (
        <Loading />
      ) : isRateLimited(result.error) ? (
        <Notice kind="warning">Trop de demandes en peu de temps : patientez une minute, puis rechargez la page.</Notice>
      ) : !reports && refused(result.error) ? (
        <Notice kind="info">Cette page est réservée à la direction de l’établissement.</Notice>
      ) : !reports ? (
        <Notice kind="error">La messagerie ne répond pas pour le moment. Réessayez dans un instant.</Notice>
      ) : reports.length === 0 ? (
        <p class="muted">Aucun message signalé.</p>
      ) : (
        <ul class="messages reports">
          {reports.map((r) => (
            <li key={r.id}>
              <h3>{r.author.subject}</h3>
              <dl class="meta">
                <dt>De</dt>
                <dd>{r.author.displayName}</dd>
                <dt>Envoyé le</dt>
                <dd>
                  <time dateTime={r.author.sentAt}>{formatDateTime(r.author.sentAt)}</time>
                </dd>
                <dt>Signalé par</dt>
                <dd>{r.reporter.displayName}</dd>
                <dt>Le</dt>
                <dd>
                  <time dateTime={r.reportedAt}>{formatDateTime(r.reportedAt)}</time>
                </dd>
                <dt>Motif</dt>
                <dd class="reason">{r.reason}</dd>
              </dl>
              {/* Sanitized by the communication subgraph (lib/markup.ts), and the CSP forbids inline scripts anyway. */}
              <div class="description body" dangerouslySetInnerHTML={{ __html: r.author.bodyHtml }} />
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}
