import { useClient } from '@urql/preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { formatDateTime } from '../../format.ts';
import { graphql } from '../../gql/index.ts';
import type { NotificationListQuery } from '../../gql/graphql.ts';
import { isRateLimited } from '../../graphql/client.ts';
import { useRefreshCounts } from '../../ui/counters.ts';
import { useOnLiveChange } from '../../ui/live-updates.ts';
import { Loading, Notice } from '../../ui/notice.tsx';
import { CATEGORY_LABEL, portalPath } from './categories.ts';

/** The notifications one page shows (`first: 20` below). */
const PAGE_SIZE = 20;

/** A page of the viewer's notifications, newest first; the next one `after` its `endCursor`. */
const NotificationList = graphql(`
  query NotificationList($after: String) {
    viewer {
      notifications(first: 20, after: $after) {
        items {
          id
          category
          title
          body
          link
          child {
            id
            displayName
          }
          createdAt
          readAt
        }
        endCursor
        hasNextPage
      }
    }
  }
`);

/** No ids: all of the viewer's. */
const MarkNotificationsRead = graphql(`
  mutation MarkNotificationsRead($ids: [ID!]) {
    markNotificationsRead(ids: $ids)
  }
`);

type Item = NonNullable<NotificationListQuery['viewer']>['notifications']['items'][number];

interface Loaded {
  items: Item[];
  endCursor?: string | null;
  hasNextPage: boolean;
}

/**
 * « Notifications » : what happened, newest first, 20 at a time (« Charger plus » appends the next
 * page, by the graph's cursor). An unread one is marked; opening it marks it read; « Tout marquer
 * comme lu » does so for all. The list is kept here, not in urql's document cache: pages append,
 * and a reading changes one line without asking the server for the whole list again.
 */
export default function NotificationsPage() {
  const client = useClient();
  const refreshCounts = useRefreshCounts();
  const [loaded, setLoaded] = useState<Loaded>();
  const [loading, setLoading] = useState(true);
  const [problem, setProblem] = useState<string>();
  const [said, setSaid] = useState('');
  // The first line of the page « Charger plus » brought, focused once shown (keyboard and screen readers go on from there).
  const focusId = useRef<string | undefined>(undefined);
  const listRef = useRef<HTMLUListElement>(null);

  const load = useCallback(
    async (after?: string) => {
      setLoading(true);
      setProblem(undefined);
      const result = await client.query(NotificationList, { after }, { requestPolicy: 'network-only' }).toPromise();
      setLoading(false);
      const page = result.data?.viewer?.notifications;
      if (!page) {
        setProblem(
          isRateLimited(result.error)
            ? 'Trop de demandes en peu de temps : patientez une minute, puis réessayez.'
            : 'Les notifications ne répondent pas pour le moment. Réessayez dans un instant.',
        );
        return;
      }
      setLoaded((before) => ({ items: [...(after ? (before?.items ?? []) : []), ...page.items], endCursor: page.endCursor, hasNextPage: page.hasNextPage }));
      if (after) {
        focusId.current = page.items[0]?.id;
        setSaid(page.items.length === 1 ? '1 notification de plus.' : `${page.items.length} notifications de plus.`);
      }
    },
    [client],
  );
  useEffect(() => void load(), [load]);
  // A notification arrives, or is read elsewhere: the list shows it, unless the person opened older
  // pages (reloading would take them from where they are reading).
  useOnLiveChange('NOTIFICATIONS', () => {
    if (!loaded || loaded.items.length <= PAGE_SIZE) void load();
  });
  useEffect(() => {
    if (!focusId.current) return;
    listRef.current?.querySelector<HTMLElement>(`[data-id="${CSS.escape(focusId.current)}"]`)?.focus();
    focusId.current = undefined;
  }, [loaded]);

  /** Marks read on the server, then here and in the navigation's counter. */
  const markRead = async (ids?: string[]) => {
    const result = await client.mutation(MarkNotificationsRead, { ids }).toPromise();
    if (result.error) {
      setProblem(
        isRateLimited(result.error)
          ? 'Trop de demandes en peu de temps : patientez une minute, puis réessayez.'
          : 'Le changement n’a pas pu être enregistré. Réessayez dans un instant.',
      );
      return false;
    }
    const now = new Date().toISOString();
    setLoaded((before) => before && { ...before, items: before.items.map((n) => (!ids || ids.includes(n.id) ? { ...n, readAt: n.readAt ?? now } : n)) });
    refreshCounts();
    return true;
  };

  const unread = loaded?.items.filter((n) => !n.readAt).length ?? 0;
  return (
    <div class="cards single">
      <article class="card" aria-labelledby="notifications-title">
        <h2 id="notifications-title">Notifications</h2>
        <div class="actions">
          <button
            type="button"
            class="button"
            disabled={!loaded || unread === 0}
            onClick={() => void markRead().then((done) => done && setSaid('Toutes les notifications sont marquées comme lues.'))}
          >
            Tout marquer comme lu
          </button>
          <a class="button secondary" href="/notifications/preferences">
            Choisir comment être prévenu
          </a>
        </div>
        {/* Changes the page makes (a page more, all read), said to screen readers. */}
        <p class="visually-hidden" role="status">
          {said}
        </p>
        {problem && <Notice kind="error">{problem}</Notice>}
        {!loaded ? (
          loading && <Loading />
        ) : loaded.items.length === 0 ? (
          <p class="muted">Aucune notification pour le moment.</p>
        ) : (
          <ul class="messages notifications" ref={listRef}>
            {loaded.items.map((n) => (
              <NotificationLine key={n.id} item={n} onOpen={() => void (n.readAt ? undefined : markRead([n.id]))} />
            ))}
          </ul>
        )}
        {loaded?.hasNextPage && loaded.endCursor && (
          <button type="button" class="button secondary" disabled={loading} onClick={() => void load(loaded.endCursor ?? undefined)}>
            Charger plus
          </button>
        )}
        {loaded && loading && <Loading />}
      </article>
    </div>
  );
}

/** One notification: its title opens its page (and marks it read); one without a page is marked read by a button. */
function NotificationLine(props: { item: Item; onOpen: () => void }) {
  const n = props.item;
  const unread = !n.readAt;
  const href = portalPath(n.link);
  return (
    <li class={unread ? 'unread' : undefined} data-id={n.id} tabIndex={-1}>
      {unread && <span class="visually-hidden">Non lue : </span>}
      {href ? (
        <a href={href} onClick={props.onOpen}>
          {n.title}
        </a>
      ) : (
        <span class="title">{n.title}</span>
      )}
      {unread && (
        <strong class="badge" aria-hidden="true">
          {' '}
          Nouveau
        </strong>
      )}
      <p class="body">{n.body}</p>
      <p class="meta">
        {CATEGORY_LABEL[n.category]}
        {n.child && ` · ${n.child.displayName}`} · <time dateTime={n.createdAt}>{formatDateTime(n.createdAt)}</time>
      </p>
      {unread && !href && (
        <button type="button" class="button secondary" onClick={props.onOpen}>
          Marquer comme lu
        </button>
      )}
    </li>
  );
}
