import { sql, type Kysely } from 'kysely';

/**
 * Notifications (workers/notifications/): what the change detector last saw of each school's vie
 * scolaire data, the events it found, each person's notifications and their deliveries by e-mail
 * and SMS (one row per event, person and channel: what makes a retry or a restart send nothing
 * twice), the digests, each person's preferences, the SMS spent per school and day, the contact
 * problems reported to schools; and the shared agenda's school events.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Per school and kind of data: when the baseline was taken and which days the last poll covered
  // (an item of a day the previous poll did not cover is new to the hub, not new in the school).
  await sql`
    CREATE TABLE notification_baselines (
      uai text NOT NULL,
      kind text NOT NULL,
      covered_from text NOT NULL,
      covered_to text NOT NULL,
      polled_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (uai, kind)
    )`.execute(db);
  // What was seen, per pupil: item id → [fingerprint, day]; one row per pupil keeps a school's
  // snapshot at a few thousand rows, written only where something changed.
  await sql`
    CREATE TABLE notification_snapshots (
      uai text NOT NULL,
      kind text NOT NULL,
      pupil_id text NOT NULL,
      items jsonb NOT NULL,
      PRIMARY KEY (uai, kind, pupil_id)
    )`.execute(db);
  // One detector polls a school at a time, whatever the number of hub instances.
  await sql`
    CREATE TABLE notification_leases (
      uai text PRIMARY KEY,
      holder text NOT NULL,
      expires_at timestamptz NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE notification_events (
      id uuid PRIMARY KEY,
      kind text NOT NULL,
      uai text NOT NULL,
      pupil_id text,
      -- The same change seen twice (two instances, a replayed poll) is one event.
      dedup_key text NOT NULL UNIQUE,
      details jsonb NOT NULL,
      occurred_at timestamptz NOT NULL DEFAULT now(),
      fanned_out_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX notification_events_to_fan_out ON notification_events (occurred_at) WHERE fanned_out_at IS NULL`.execute(db);
  await sql`
    CREATE TABLE notifications (
      id uuid PRIMARY KEY,
      event_id uuid NOT NULL REFERENCES notification_events (id) ON DELETE CASCADE,
      person_id text NOT NULL,
      category text NOT NULL,
      child_id text,
      title text NOT NULL,
      body text NOT NULL,
      link text,
      created_at timestamptz NOT NULL DEFAULT now(),
      read_at timestamptz,
      UNIQUE (event_id, person_id)
    )`.execute(db);
  await sql`CREATE INDEX notifications_by_person ON notifications (person_id, created_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX notifications_unread ON notifications (person_id) WHERE read_at IS NULL`.execute(db);
  await sql`
    CREATE TABLE notification_deliveries (
      id uuid PRIMARY KEY,
      event_id uuid NOT NULL REFERENCES notification_events (id) ON DELETE CASCADE,
      person_id text NOT NULL,
      channel text NOT NULL,
      -- immediate, daily or weekly: the last two wait for the person's digest.
      frequency text NOT NULL,
      -- waiting (for its time or its digest), queued (a job is on it), sent, failed, replaced (by an e-mail).
      state text NOT NULL,
      uai text NOT NULL,
      due_at timestamptz NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      provider_id text,
      error text,
      digest_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz,
      delivered_at timestamptz,
      UNIQUE (event_id, person_id, channel)
    )`.execute(db);
  await sql`CREATE INDEX notification_deliveries_due ON notification_deliveries (due_at) WHERE state = 'waiting' AND frequency = 'immediate'`.execute(db);
  await sql`CREATE INDEX notification_deliveries_digest ON notification_deliveries (frequency, person_id) WHERE state = 'waiting' AND frequency <> 'immediate'`.execute(
    db,
  );
  await sql`
    CREATE TABLE notification_digests (
      id uuid PRIMARY KEY,
      person_id text NOT NULL,
      frequency text NOT NULL,
      period text NOT NULL,
      state text NOT NULL,
      items integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz,
      error text,
      UNIQUE (person_id, frequency, period)
    )`.execute(db);
  await sql`
    CREATE TABLE notification_preferences (
      person_id text NOT NULL,
      category text NOT NULL,
      in_app boolean NOT NULL,
      email text NOT NULL,
      sms text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (person_id, category)
    )`.execute(db);
  // Quiet hours, in minutes after midnight Europe/Paris.
  await sql`
    CREATE TABLE notification_settings (
      person_id text PRIMARY KEY,
      quiet_from smallint NOT NULL,
      quiet_to smallint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    CREATE TABLE notification_sms_spend (
      uai text NOT NULL,
      day text NOT NULL,
      spent integer NOT NULL,
      PRIMARY KEY (uai, day)
    )`.execute(db);
  // A guardian the hub could not reach as asked (no mobile, an invalid number, no e-mail): the school sees it.
  await sql`
    CREATE TABLE notification_contact_problems (
      uai text NOT NULL,
      person_id text NOT NULL,
      channel text NOT NULL,
      problem text NOT NULL,
      first_seen_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      occurrences integer NOT NULL DEFAULT 1,
      PRIMARY KEY (uai, person_id, channel)
    )`.execute(db);
  await sql`
    CREATE TABLE school_events (
      id uuid PRIMARY KEY,
      uai text NOT NULL,
      -- school, class or group; code is the class or group code for the last two.
      audience_kind text NOT NULL,
      audience_code text,
      subject_code text,
      category text NOT NULL,
      title text NOT NULL,
      description text NOT NULL,
      location text,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      created_by text NOT NULL,
      created_by_name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      canceled_at timestamptz,
      reminded_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX school_events_by_school ON school_events (uai, starts_at)`.execute(db);
  // A person's creations of the last 24 hours, counted at each creation (the quota).
  await sql`CREATE INDEX school_events_by_author ON school_events (created_by, created_at)`.execute(db);
  // The reminders' pass (every few seconds) reads only the events still to remind of.
  await sql`CREATE INDEX school_events_to_remind ON school_events (starts_at) WHERE reminded_at IS NULL AND canceled_at IS NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'school_events',
    'notification_contact_problems',
    'notification_sms_spend',
    'notification_settings',
    'notification_preferences',
    'notification_digests',
    'notification_deliveries',
    'notifications',
    'notification_events',
    'notification_leases',
    'notification_snapshots',
    'notification_baselines',
  ]) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db);
  }
}
