import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { graphql } from '../../gql/index.ts';
import type { EmailFrequency, NotificationPreferenceInput, SmsFrequency } from '../../gql/graphql.ts';
import { isRateLimited } from '../../graphql/client.ts';
import { Loading, Notice } from '../../ui/notice.tsx';
import { CATEGORY_LABEL, EMAIL_LABEL, SMS_LABEL } from './categories.ts';

graphql(`
  fragment NotificationSettingsFields on NotificationSettings {
    preferences {
      category
      inApp
      email
      sms
    }
    quietFrom
    quietTo
    smsAvailable
  }
`);

const NotificationSettings = graphql(`
  query NotificationSettings {
    viewer {
      notificationPreferences {
        ...NotificationSettingsFields
      }
    }
  }
`);

const SetNotificationPreferences = graphql(`
  mutation SetNotificationPreferences($preferences: [NotificationPreferenceInput!]!) {
    setNotificationPreferences(preferences: $preferences) {
      ...NotificationSettingsFields
    }
  }
`);

const SetQuietHours = graphql(`
  mutation SetQuietHours($from: String!, $to: String!) {
    setQuietHours(from: $from, to: $to) {
      ...NotificationSettingsFields
    }
  }
`);

interface Settings {
  preferences: NotificationPreferenceInput[];
  quietFrom: string;
  quietTo: string;
  smsAvailable: boolean;
}

/** The categories in the order families read them (CATEGORY_LABEL's), whatever order the graph gives. */
const ORDER = Object.keys(CATEGORY_LABEL);
const ordered = (preferences: readonly NotificationPreferenceInput[]) => [...preferences].sort((a, b) => ORDER.indexOf(a.category) - ORDER.indexOf(b.category));

/**
 * « Choisir comment être prévenu » : per kind of event, in the ENT or not, the e-mail's frequency,
 * SMS where the viewer may have them (guardians); and the quiet hours. One « Enregistrer » saves all.
 */
export default function PreferencesPage() {
  const [result] = useQuery({ query: NotificationSettings, requestPolicy: 'network-only' });
  const settings = result.data?.viewer?.notificationPreferences;
  if (result.fetching && !settings) return <Loading />;
  if (!settings) return <Notice kind="error">Vos préférences ne peuvent pas être affichées pour le moment. Réessayez dans un instant.</Notice>;
  return (
    <div class="cards single">
      <PreferencesForm
        initial={{
          preferences: ordered(settings.preferences.map(({ category, inApp, email, sms }) => ({ category, inApp, email, sms }))),
          quietFrom: settings.quietFrom,
          quietTo: settings.quietTo,
          smsAvailable: settings.smsAvailable,
        }}
      />
    </div>
  );
}

function PreferencesForm(props: { initial: Settings }) {
  const [settings, setSettings] = useState(props.initial);
  const [savingPreferences, savePreferences] = useMutation(SetNotificationPreferences);
  const [savingQuietHours, saveQuietHours] = useMutation(SetQuietHours);
  const [outcome, setOutcome] = useState<{ kind: 'saved' | 'failed'; text: string }>();
  const saving = savingPreferences.fetching || savingQuietHours.fetching;

  const change = (category: string, patch: Partial<NotificationPreferenceInput>) => {
    setOutcome(undefined);
    setSettings((s) => ({ ...s, preferences: s.preferences.map((p) => (p.category === category ? { ...p, ...patch } : p)) }));
  };

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setOutcome(undefined);
    const preferences = await savePreferences({ preferences: settings.preferences });
    const quiet = preferences.error ? undefined : await saveQuietHours({ from: settings.quietFrom, to: settings.quietTo });
    const error = preferences.error ?? quiet?.error;
    const saved = quiet?.data?.setQuietHours;
    if (error || !saved) {
      setOutcome({
        kind: 'failed',
        text: isRateLimited(error)
          ? 'Trop de demandes en peu de temps : patientez une minute avant de réessayer.'
          : error?.graphQLErrors[0]?.extensions?.code === 'BAD_USER_INPUT'
            ? 'Vos préférences n’ont pas été enregistrées : vérifiez les heures de tranquillité (au format 21:00).'
            : 'Vos préférences n’ont pas pu être enregistrées. Vérifiez votre connexion et réessayez.',
      });
      return;
    }
    // What the server kept (it may have adjusted a choice), shown as it is now.
    setSettings({
      preferences: ordered(saved.preferences.map(({ category, inApp, email, sms }) => ({ category, inApp, email, sms }))),
      quietFrom: saved.quietFrom,
      quietTo: saved.quietTo,
      smsAvailable: saved.smsAvailable,
    });
    setOutcome({ kind: 'saved', text: 'Vos préférences sont enregistrées.' });
  };

  return (
    <article class="card" aria-labelledby="preferences-title">
      <p>
        <a href="/notifications">← Notifications</a>
      </p>
      <h2 id="preferences-title">Choisir comment être prévenu</h2>
      <p>
        Pour chaque sujet : dans l’ENT, par e-mail (tout de suite ou dans un résumé){settings.smsAvailable ? ', par SMS' : ''}. Les résumés quotidiens partent à
        18 h, les hebdomadaires le lundi matin.
      </p>
      <form class="preferences" onSubmit={(e) => void submit(e)}>
        {settings.preferences.map((p) => {
          const id = `pref-${p.category.toLowerCase()}`;
          return (
            <fieldset key={p.category} class="preference">
              <legend>{CATEGORY_LABEL[p.category]}</legend>
              <label class="check">
                <input type="checkbox" checked={p.inApp} onChange={(e) => change(p.category, { inApp: e.currentTarget.checked })} />
                Dans l’ENT
              </label>
              <label for={`${id}-email`}>E-mail</label>
              <select id={`${id}-email`} value={p.email} onChange={(e) => change(p.category, { email: e.currentTarget.value as EmailFrequency })}>
                {(Object.keys(EMAIL_LABEL) as EmailFrequency[]).map((f) => (
                  <option key={f} value={f}>
                    {EMAIL_LABEL[f]}
                  </option>
                ))}
              </select>
              {settings.smsAvailable && (
                <>
                  <label for={`${id}-sms`}>SMS</label>
                  <select id={`${id}-sms`} value={p.sms} onChange={(e) => change(p.category, { sms: e.currentTarget.value as SmsFrequency })}>
                    {(Object.keys(SMS_LABEL) as SmsFrequency[]).map((f) => (
                      <option key={f} value={f}>
                        {SMS_LABEL[f]}
                      </option>
                    ))}
                  </select>
                </>
              )}
            </fieldset>
          );
        })}
        <fieldset class="preference">
          <legend>Heures de tranquillité</legend>
          <p class="muted">Ni e-mail ni SMS entre ces heures : ce qui arrive pendant attend la fin. Deux heures égales : pas de tranquillité.</p>
          <label for="quiet-from">De</label>
          <input
            id="quiet-from"
            type="time"
            required
            value={settings.quietFrom}
            onInput={(e) => {
              const value = e.currentTarget.value;
              setOutcome(undefined);
              setSettings((s) => ({ ...s, quietFrom: value }));
            }}
          />
          <label for="quiet-to">À</label>
          <input
            id="quiet-to"
            type="time"
            required
            value={settings.quietTo}
            onInput={(e) => {
              const value = e.currentTarget.value;
              setOutcome(undefined);
              setSettings((s) => ({ ...s, quietTo: value }));
            }}
          />
        </fieldset>
        <div>
          <button type="submit" class="button" disabled={saving}>
            {saving ? 'Enregistrement…' : 'Enregistrer'}
          </button>
        </div>
        {/* Always in the page, so that screen readers announce what appears in it. */}
        <div role="status">{outcome && <p class={`notice notice-${outcome.kind === 'saved' ? 'info' : 'error'}`}>{outcome.text}</p>}</div>
      </form>
    </article>
  );
}
