import type { Directory } from '../connectors/directory/directory.ts';
import type { Logger } from '../lib/logger.ts';
import type { HubDatabase } from '../store/database.ts';
import type { PostgresMessageStore } from '../store/messaging/postgres-store.ts';
import type { DemoPerson } from '../tooling/academie/academie.ts';
import { Audience } from '../subgraphs/communication/audience.ts';
import { sendMessage, type MessageToSend } from '../subgraphs/communication/compose.ts';
import type { MessagingConfig } from '../subgraphs/communication/config.ts';
import { Perimeter, type PerimeterOptions } from '../subgraphs/perimeter/perimeter.ts';

/**
 * A few messages in the demo people's mailboxes the first time the embedded hub starts (its
 * messages table empty), sent the one way any message is (subgraphs/communication/compose.ts), so
 * `npm start`'s demo accounts find a class trip, a mot to sign and a parent's question waiting.
 */
export async function seedDemoMessages(options: {
  database: HubDatabase;
  messages: PostgresMessageStore;
  directory: Directory;
  perimeter: PerimeterOptions;
  config: MessagingConfig;
  demo: DemoPerson[];
  log: Logger;
}): Promise<number> {
  const any = await options.database.db.selectFrom('messages').select('id').limit(1).executeTakeFirst();
  if (any) return 0;
  const find = (description: RegExp) => options.demo.find((d) => description.test(d.description));
  const send = async (sender: DemoPerson | undefined, input: (lists: { id: string; name: string }[]) => MessageToSend | undefined) => {
    if (!sender) return 0;
    const viewer = { kind: 'person' as const, personId: sender.id, profile: sender.profile, scopes: [], policies: [] };
    const perimeter = new Perimeter(viewer, options.directory, options.perimeter);
    const audience = new Audience(perimeter, options.directory, { ...options.perimeter, pupilToPupil: options.config.pupilToPupil });
    const self = await perimeter.self();
    const message = input(await audience.lists());
    if (!self || !message) return 0;
    await sendMessage({ messages: options.messages, directory: options.directory, audience, config: options.config }, self, message);
    return 1;
  };
  const listNamed = (lists: { id: string; name: string }[], prefix: string) => lists.find((l) => l.name.startsWith(prefix))?.id;
  const teacher = find(/teacher of .*5EA/);
  const principal = find(/^principal, /);
  const guardian = find(/guardian of three children/);
  let sent = 0;
  sent += await send(teacher, (lists) => {
    const to = listNamed(lists, 'Parents de 5EA');
    return to === undefined
      ? undefined
      : {
          to: [to],
          subject: 'Sortie au Louvre le jeudi 4 décembre',
          body: '<p>Bonjour,</p><p>La classe visitera le Louvre le <b>jeudi 4 décembre</b>. Départ du collège à 8 h 15, retour vers 16 h 30. Prévoir un pique-nique.</p>',
        };
  });
  sent += await send(principal, (lists) => {
    const to = listNamed(lists, 'Parents de 4EA');
    return to === undefined
      ? undefined
      : {
          to: [to],
          subject: 'Réunion parents-professeurs du 9 décembre',
          body: '<p>Madame, Monsieur,</p><p>La réunion parents-professeurs de 4e aura lieu le <b>mardi 9 décembre à 18 h</b>. Merci de signer ce mot pour indiquer que vous en avez pris connaissance.</p>',
          requiresSignature: true,
        };
  });
  sent += await send(
    guardian,
    () =>
      teacher && {
        to: [teacher.id],
        subject: 'Absence de Léa jeudi matin',
        body: '<p>Bonjour,</p><p>Léa aura rendez-vous chez l’orthodontiste jeudi matin. Pourrait-elle récupérer le cours ?</p><p>Cordialement,</p>',
      },
  );
  options.log.info({ messages: sent }, 'demo messages sent');
  return sent;
}
