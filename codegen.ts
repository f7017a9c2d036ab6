import { addTypenameSelectionDocumentTransform } from '@graphql-codegen/client-preset';
import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed resolvers for each subgraph, from its own `schema.graphql`. Mappers point GraphQL types at
 * the objects the resolvers really return (connector models), so a resolver returning the wrong
 * shape fails `npm run typecheck`. CI regenerates and fails if the checked-in output is stale.
 */
const resolvers = (contextType: string, mappers: Record<string, string>) => ({
  plugins: ['typescript', 'typescript-resolvers'],
  config: {
    federation: true,
    useIndexSignature: true,
    useTypeImports: true,
    enumsAsTypes: true,
    avoidOptionals: false,
    contextType,
    mappers,
    mapperTypeSuffix: 'Model',
    scalars: { ID: 'string' },
  },
});

const config: CodegenConfig = {
  overwrite: true,
  hooks: {},
  generates: {
    // The portal's operations, typed from the graph its clients see (schema/public.graphql, made by
    // `npm run compose`): an operation that a subgraph's change breaks fails here, hence `npm test`.
    // Each document carries its hash; persisted-documents.json is what the router registers
    // (trusted documents). __typename is added so the client's document cache knows what a
    // mutation touched, in the registered documents too.
    'portal/src/gql/': {
      schema: 'schema/public.graphql',
      documents: ['portal/src/**/*.tsx', 'portal/src/**/*.ts', '!portal/src/gql/**'],
      preset: 'client',
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: 'sha256' } },
      documentTransforms: [addTypenameSelectionDocumentTransform],
      config: { useTypeImports: true, enumsAsTypes: true, scalars: { ID: 'string' }, avoidOptionals: false },
    },
    'subgraphs/directory/generated/resolvers-types.ts': {
      schema: 'subgraphs/directory/schema.graphql',
      ...resolvers('../context.ts#DirectoryContext', {
        Person: '../../../connectors/directory/model.ts#Person',
        Student: '../../../connectors/directory/model.ts#Student',
        Guardian: '../../../connectors/directory/model.ts#Guardian',
        Teacher: '../../../connectors/directory/model.ts#EducationStaff',
        Staff: '../../../connectors/directory/model.ts#EducationStaff',
        StaffFunction: '../../../connectors/directory/model.ts#StaffFunction',
        School: '../../../connectors/directory/model.ts#School',
        Subject: '../../../connectors/directory/model.ts#Subject',
        Mef: '../../../connectors/directory/model.ts#Mef',
        Class: '../models.ts#StructureUnitRef',
        Group: '../models.ts#StructureUnitRef',
        GuardianLink: '../models.ts#GuardianLinkRef',
        ChildLink: '../../../connectors/directory/directory.ts#ChildLink',
        Teaching: '../models.ts#TeachingRef',
      }),
    },
    'subgraphs/identity/generated/resolvers-types.ts': {
      schema: 'subgraphs/identity/schema.graphql',
      ...resolvers('../context.ts#IdentityContext', {
        Viewer: '../../../lib/viewer-context.ts#Viewer',
        Session: '../../../store/sessions/session.ts#HubSession',
        LoginEvent: '../../../store/sessions/session.ts#LoginEvent',
        AccessEvent: '../../../store/journal/event.ts#JournalEntry',
        DataExport: '../../../store/privacy/data-exports.ts#DataExport',
      }),
    },
    'subgraphs/communication/generated/resolvers-types.ts': {
      schema: 'subgraphs/communication/schema.graphql',
      ...resolvers('../context.ts#CommunicationContext', {
        Mailbox: '../context.ts#MailboxRef',
        Viewer: '../context.ts#ViewerRef',
        ViewerUpdate: '../context.ts#ViewerUpdateRef',
        MessagePage: '../../../store/messaging/message.ts#Page<MessageSummaryModel>',
        MessageSummary: '../../../store/messaging/message.ts#MessageSummary',
        Message: '../../../store/messaging/message.ts#OpenedMessage',
        MessageReport: '../../../store/messaging/message.ts#MessageReport',
        Draft: '../../../store/messaging/message.ts#Draft',
        ReportedAuthor: '../../../store/messaging/message.ts#MessageReport',
        Attachment: '../../../store/messaging/message.ts#AttachmentInfo',
      }),
    },
    'subgraphs/resources/generated/resolvers-types.ts': {
      schema: 'subgraphs/resources/schema.graphql',
      ...resolvers('../context.ts#ResourcesContext', {
        Resource: '../../../connectors/gar/gar-client.ts#GarResource',
        ResourceSubscription: '../../../connectors/gar/gar-client.ts#GarSubscription',
        SchoolResources: '../resolvers.ts#SchoolResourcesRef',
      }),
    },
    'subgraphs/vie-scolaire/generated/resolvers-types.ts': {
      schema: 'subgraphs/vie-scolaire/schema.graphql',
      ...resolvers('../context.ts#VieScolaireContext', {
        Grade: '../../../connectors/vie-scolaire/client.ts#Grade',
        Period: '../../../connectors/vie-scolaire/client.ts#Period',
        Absence: '../../../connectors/vie-scolaire/client.ts#Absence',
        Lateness: '../../../connectors/vie-scolaire/client.ts#Lateness',
        Punishment: '../../../connectors/vie-scolaire/client.ts#Punishment',
        Homework: '../../../connectors/vie-scolaire/client.ts#Homework',
        Lesson: '../../../connectors/vie-scolaire/client.ts#Lesson',
        LessonContent: '../../../connectors/vie-scolaire/client.ts#LessonContent',
        PeriodAverages: '../averages.ts#PeriodAverages',
        SubjectAverage: '../averages.ts#SubjectAverage',
        Justification: '../../../store/outbox/item.ts#OutboxItem',
        HomeworkSubmission: '../../../store/outbox/item.ts#OutboxItem',
        CalendarFeed: '../calendar/feed-store.ts#CalendarFeed',
      }),
    },
  },
};

export default config;
