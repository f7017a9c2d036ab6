import { useClient, useQuery } from '@urql/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { addDays, formatDay, formatShortDay, formatTime, parisDay } from '../../format.ts';
import { graphql } from '../../gql/index.ts';
import type { SchoolEventCategory, SchoolEventsQuery } from '../../gql/graphql.ts';
import { isRateLimited } from '../../graphql/client.ts';
import { Loading, Notice } from '../../ui/notice.tsx';
import { CalendarFeedsSection } from '../calendar-feeds.tsx';
import { CATEGORY_OF_EVENT, SchoolEventForm } from './event-form.tsx';

const SchoolEvents = graphql(`
  query SchoolEvents($from: String!, $to: String!) {
    schoolEvents(from: $from, to: $to) {
      id
      title
      description
      category
      startsAt
      endsAt
      location
      audience {
        uai
        schoolName
        kind
        code
      }
      createdBy {
        id
        displayName
      }
      canceled
      editable
    }
  }
`);

const CancelSchoolEvent = graphql(`
  mutation CancelSchoolEvent($id: ID!) {
    cancelSchoolEvent(id: $id) {
      id
      canceled
    }
  }
`);

type SchoolEvent = SchoolEventsQuery['schoolEvents'][number];

/** Weeks shown at first, and at most (the graph answers 62 days at most). */
const WEEKS = 4;
const MAX_WEEKS = 8;

/** « Collège Jean Moulin · classe 5EA »: who the event is for. */
const audienceOf = (a: SchoolEvent['audience']) =>
  a.kind === 'SCHOOL' ? `${a.schoolName} · tout l’établissement` : `${a.schoolName} · ${a.kind === 'CLASS' ? 'classe' : 'groupe'} ${a.code ?? ''}`;

/** The events by the Paris day they start on, days in order, each day's events by their start. */
function byDay(events: readonly SchoolEvent[]): [string, SchoolEvent[]][] {
  const days = new Map<string, SchoolEvent[]>();
  for (const event of [...events].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt))) {
    const day = parisDay(new Date(event.startsAt));
    days.set(day, [...(days.get(day) ?? []), event]);
  }
  return [...days.entries()];
}

/**
 * « Agenda » : the shared agenda of the viewer's schools, classes and groups (a guardian's: their
 * children's) for the coming weeks, by day; a cancelled event stays, struck through and said
 * « Annulé ». Teachers and staff add events and cancel theirs. Then the calendar feeds (the agenda in
 * a phone's calendar app).
 */
export default function AgendaPage() {
  const [weeks, setWeeks] = useState(WEEKS);
  const from = parisDay();
  const to = addDays(from, weeks * 7 - 1);
  const [result, refetch] = useQuery({ query: SchoolEvents, variables: { from, to }, requestPolicy: 'cache-and-network' });
  const [said, setSaid] = useState('');
  const events = result.data?.schoolEvents;
  const refresh = () => refetch({ requestPolicy: 'network-only' });
  return (
    <div class="cards single">
      <article class="card" aria-labelledby="agenda-title">
        <h2 id="agenda-title">Agenda de l’établissement</h2>
        <p class="muted">
          Du {formatDay(from)} au {formatDay(to)}.
        </p>
        <p class="visually-hidden" role="status">
          {said}
        </p>
        {result.fetching && !events ? (
          <Loading />
        ) : !events ? (
          <Notice kind="error">
            {isRateLimited(result.error)
              ? 'Trop de demandes en peu de temps : patientez une minute, puis rechargez la page.'
              : 'L’agenda ne répond pas pour le moment. Réessayez dans un instant.'}
          </Notice>
        ) : events.length === 0 ? (
          <p class="muted">Aucun événement prévu.</p>
        ) : (
          byDay(events).map(([day, ofDay]) => (
            <section key={day} aria-labelledby={`day-${day}`}>
              <h3 id={`day-${day}`} class="day">
                {formatDay(day)}
              </h3>
              <ul class="events">
                {ofDay.map((event) => (
                  <EventLine
                    key={event.id}
                    event={event}
                    onCanceled={() => {
                      setSaid(`Événement annulé : ${event.title}.`);
                      refresh();
                    }}
                  />
                ))}
              </ul>
            </section>
          ))
        )}
        {weeks < MAX_WEEKS && (
          <button type="button" class="button secondary" onClick={() => setWeeks(MAX_WEEKS)}>
            Afficher les {MAX_WEEKS - weeks} semaines suivantes
          </button>
        )}
      </article>
      <SchoolEventForm
        onCreated={(title) => {
          setSaid(`Événement ajouté à l’agenda : ${title}.`);
          refresh();
        }}
      />
      <CalendarFeedsSection />
    </div>
  );
}

const CATEGORY_LABEL = Object.fromEntries(CATEGORY_OF_EVENT.map((c) => [c.value, c.label])) as Record<SchoolEventCategory, string>;

function EventLine(props: { event: SchoolEvent; onCanceled: () => void }) {
  const { event } = props;
  const client = useClient();
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string>();
  // The focus follows the question: to « Confirmer » when asked, back to « Annuler » when kept.
  const confirmRef = useRef<HTMLButtonElement>(null);
  const askRef = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
    else if (asked.current) askRef.current?.focus();
    asked.current = confirming;
  }, [confirming]);
  const sameDay = parisDay(new Date(event.startsAt)) === parisDay(new Date(event.endsAt));
  const cancel = async () => {
    const result = await client.mutation(CancelSchoolEvent, { id: event.id }).toPromise();
    setConfirming(false);
    if (result.error || !result.data?.cancelSchoolEvent) {
      setProblem(
        isRateLimited(result.error)
          ? 'Trop de demandes en peu de temps : patientez une minute avant de réessayer.'
          : 'L’événement n’a pas pu être annulé. Réessayez dans un instant.',
      );
      return;
    }
    props.onCanceled();
  };
  return (
    <li class={event.canceled ? 'event canceled' : 'event'}>
      <p class="when">
        {sameDay ? (
          <>
            <time dateTime={event.startsAt}>{formatTime(event.startsAt)}</time> – <time dateTime={event.endsAt}>{formatTime(event.endsAt)}</time>
          </>
        ) : (
          <>
            <time dateTime={event.startsAt}>{formatTime(event.startsAt)}</time> – jusqu’au{' '}
            <time dateTime={event.endsAt}>
              {formatShortDay(parisDay(new Date(event.endsAt)))} {formatTime(event.endsAt)}
            </time>
          </>
        )}
      </p>
      <p class="event-title">
        <strong class="title">{event.title}</strong>
        {event.canceled && <strong class="tag tag-warning"> Annulé</strong>}
      </p>
      <p class="meta">
        {CATEGORY_LABEL[event.category]} · {audienceOf(event.audience)}
        {event.location && ` · ${event.location}`}
      </p>
      {event.description && <p class="description">{event.description}</p>}
      <p class="meta">Proposé par {event.createdBy.displayName}</p>
      {problem && <Notice kind="error">{problem}</Notice>}
      {event.editable &&
        !event.canceled &&
        (confirming ? (
          <div class="actions" role="group" aria-label={`Annuler « ${event.title} » ?`}>
            <span>Annuler cet événement ? Les personnes prévenues le seront de l’annulation.</span>
            <button type="button" class="button" ref={confirmRef} onClick={() => void cancel()}>
              Confirmer l’annulation
            </button>
            <button type="button" class="button secondary" onClick={() => setConfirming(false)}>
              Garder l’événement
            </button>
          </div>
        ) : (
          <button type="button" class="button secondary" ref={askRef} onClick={() => setConfirming(true)} aria-label={`Annuler l’événement « ${event.title} »`}>
            Annuler l’événement
          </button>
        ))}
    </li>
  );
}
