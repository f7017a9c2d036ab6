import type { GraphQLResolveInfo } from 'graphql';
import type { Viewer as ViewerModel } from '../../../lib/viewer-context.ts';
import type { HubSession as HubSessionModel, LoginEvent as LoginEventModel } from '../../../store/sessions/session.ts';
import type { JournalEntry as JournalEntryModel } from '../../../store/journal/event.ts';
import type { DataExport as DataExportModel } from '../../../store/privacy/data-exports.ts';
import type { IdentityContext } from '../context.ts';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  _FieldSet: { input: unknown; output: unknown; }
};

export type AccessEvent = {
  __typename?: 'AccessEvent';
  /** The person who read, when a person did (a service client otherwise). */
  accessor?: Maybe<Person>;
  accessorProfile?: Maybe<Scalars['String']['output']>;
  at: Scalars['String']['output'];
  /** How many identical events this one stands for: repeated refusals by one viewer within a minute are merged into one. */
  count: Scalars['Int']['output'];
  /** Where this event is in the journal: pass it as `accessLog(after:)` for the events before it. */
  cursor: Scalars['String']['output'];
  fields: Array<Scalars['String']['output']>;
  operationName?: Maybe<Scalars['String']['output']>;
  /** ALLOWED, DENIED, or FAILED (a change asked for that did not happen: the answer was false or empty, or an error). */
  outcome: Scalars['String']['output'];
  serviceClient?: Maybe<Scalars['String']['output']>;
};

/** PUBLIC: the same for everyone; PRIVATE: for this viewer only (always, in this hub). */
export type CacheControlScope =
  | 'PRIVATE'
  | 'PUBLIC';

/** A request for an export of what the hub keeps about a person (RGPD right of access). */
export type DataExport = {
  __typename?: 'DataExport';
  /** When a ready export is deleted if it has not been downloaded. */
  expiresAt?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** Whose data: the viewer, or one of their children. */
  person: Person;
  readyAt?: Maybe<Scalars['String']['output']>;
  requestedAt: Scalars['String']['output'];
  status: DataExportStatus;
};

export type DataExportLink = {
  __typename?: 'DataExportLink';
  expiresAt: Scalars['String']['output'];
  /** The download's path on the hub's origin (where this graph is served). Works once. */
  path: Scalars['String']['output'];
};

export type DataExportStatus =
  | 'DOWNLOADED'
  | 'EXPIRED'
  | 'FAILED'
  | 'PENDING'
  | 'READY'
  | 'RUNNING';

export type LoginEvent = {
  __typename?: 'LoginEvent';
  at: Scalars['String']['output'];
  identityProvider: Scalars['String']['output'];
  outcome: Scalars['String']['output'];
  userAgent?: Maybe<Scalars['String']['output']>;
};

export type Mutation = {
  __typename?: 'Mutation';
  /**
   * A download link for one of your ready exports: it works once, for a few minutes. Asking again
   * gives a new link and ends the previous one. Null when the export is not yours or not ready.
   */
  dataExportLink?: Maybe<DataExportLink>;
  /** Ends every session of the viewer except the current one. Returns how many ended. */
  endOtherSessions: Scalars['Int']['output'];
  /** Ends one of the viewer's own sessions (logs that device out). */
  endSession: Scalars['Boolean']['output'];
  /**
   * Asks for an export of everything the hub keeps about you (RGPD right of access), or, with
   * `personId`, about one of the pupils you are responsable légal of. Produced in the background as one
   * JSON document: follow it with `viewer { dataExports }`, then ask `dataExportLink`. One export of a
   * person at a time, and a few requests a day (QUOTA_EXCEEDED past them).
   */
  requestDataExport: DataExport;
};


export type MutationDataExportLinkArgs = {
  id: Scalars['ID']['input'];
};


export type MutationEndSessionArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRequestDataExportArgs = {
  personId?: InputMaybe<Scalars['ID']['input']>;
};

export type Person = {
  __typename?: 'Person';
  id: Scalars['ID']['output'];
};

export type Profile =
  | 'GUARDIAN'
  | 'STAFF'
  | 'STUDENT'
  | 'TEACHER';

/**
 * Who is logged in: the person, their profile, schools and (for a guardian) children, so a frontend
 * can switch between children; and the person's own sessions and login history.
 */
export type Query = {
  __typename?: 'Query';
  viewer?: Maybe<Viewer>;
};

export type School = {
  __typename?: 'School';
  uai: Scalars['ID']['output'];
};

export type Session = {
  __typename?: 'Session';
  createdAt: Scalars['String']['output'];
  /** The session this request is made with. */
  current: Scalars['Boolean']['output'];
  id: Scalars['ID']['output'];
  identityProvider: Scalars['String']['output'];
  /** WEB (cookie) or APP (bearer token). */
  kind: Scalars['String']['output'];
  lastSeenAt: Scalars['String']['output'];
  userAgent?: Maybe<Scalars['String']['output']>;
};

export type Student = {
  __typename?: 'Student';
  id: Scalars['ID']['output'];
};

export type Viewer = {
  __typename?: 'Viewer';
  /**
   * Who accessed this person's sensitive data, and when (the RGPD journal of access): the viewer's
   * own by default, or, for a guardian, one of their children's. Newest first, at most `first`
   * (1 to 200); the next page: `after` the last event's `cursor`.
   */
  accessLog: Array<AccessEvent>;
  /** For a guardian: the pupils they are responsable légal of. */
  children: Array<Student>;
  /** The exports of personal data the viewer asked for (their own and their children's), newest first. */
  dataExports: Array<DataExport>;
  /** Staff function codes (DIR, EDU, DOC, ENS…). */
  functions: Array<Scalars['String']['output']>;
  loginHistory: Array<LoginEvent>;
  person: Person;
  profile: Profile;
  schools: Array<School>;
  session?: Maybe<Session>;
  sessions: Array<Session>;
};


export type ViewerAccessLogArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  personId?: InputMaybe<Scalars['ID']['input']>;
};


export type ViewerLoginHistoryArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
      type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
      export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };
    

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

/** Mapping of federation types */
export type FederationTypes = ResolversObject<{
  Person: Person;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Person:
    ( { __typename: 'Person' }
    & GraphQLRecursivePick<FederationTypes['Person'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  AccessEvent: ResolverTypeWrapper<JournalEntryModel>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  CacheControlScope: CacheControlScope;
  DataExport: ResolverTypeWrapper<DataExportModel>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  DataExportLink: ResolverTypeWrapper<DataExportLink>;
  DataExportStatus: DataExportStatus;
  LoginEvent: ResolverTypeWrapper<LoginEventModel>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Person: ResolverTypeWrapper<Person>;
  Profile: Profile;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  School: ResolverTypeWrapper<School>;
  Session: ResolverTypeWrapper<HubSessionModel>;
  Student: ResolverTypeWrapper<Student>;
  Viewer: ResolverTypeWrapper<ViewerModel>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  AccessEvent: JournalEntryModel;
  String: Scalars['String']['output'];
  DataExport: DataExportModel;
  ID: Scalars['ID']['output'];
  DataExportLink: DataExportLink;
  LoginEvent: LoginEventModel;
  Mutation: Record<PropertyKey, never>;
  Person: Person | FederationReferenceTypes['Person'];
  Query: Record<PropertyKey, never>;
  School: School;
  Session: HubSessionModel;
  Student: Student;
  Viewer: ViewerModel;
  Boolean: Scalars['Boolean']['output'];
  Int: Scalars['Int']['output'];
}>;

export type AuditSubjectDirectiveArgs = { };

export type AuditSubjectDirectiveResolver<Result, Parent, ContextType = IdentityContext, Args = AuditSubjectDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type CacheControlDirectiveArgs = {
  inheritMaxAge?: Maybe<Scalars['Boolean']['input']>;
  maxAge?: Maybe<Scalars['Int']['input']>;
  scope?: Maybe<CacheControlScope>;
};

export type CacheControlDirectiveResolver<Result, Parent, ContextType = IdentityContext, Args = CacheControlDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type AccessEventResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['AccessEvent'] = ResolversParentTypes['AccessEvent']> = ResolversObject<{
  accessor?: Resolver<Maybe<ResolversTypes['Person']>, ParentType, ContextType>;
  accessorProfile?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  at?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  fields?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  operationName?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  outcome?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  serviceClient?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type DataExportResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['DataExport'] = ResolversParentTypes['DataExport']> = ResolversObject<{
  expiresAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  person?: Resolver<ResolversTypes['Person'], ParentType, ContextType>;
  readyAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  requestedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['DataExportStatus'], ParentType, ContextType>;
}>;

export type DataExportLinkResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['DataExportLink'] = ResolversParentTypes['DataExportLink']> = ResolversObject<{
  expiresAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  path?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type LoginEventResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['LoginEvent'] = ResolversParentTypes['LoginEvent']> = ResolversObject<{
  at?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  identityProvider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  outcome?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  userAgent?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  dataExportLink?: Resolver<Maybe<ResolversTypes['DataExportLink']>, ParentType, ContextType, RequireFields<MutationDataExportLinkArgs, 'id'>>;
  endOtherSessions?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  endSession?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationEndSessionArgs, 'id'>>;
  requestDataExport?: Resolver<ResolversTypes['DataExport'], ParentType, ContextType, Partial<MutationRequestDataExportArgs>>;
}>;

export type PersonResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['Person'] = ResolversParentTypes['Person'], FederationReferenceType extends FederationReferenceTypes['Person'] = FederationReferenceTypes['Person']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Person']> | FederationReferenceType, FederationReferenceType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  viewer?: Resolver<Maybe<ResolversTypes['Viewer']>, ParentType, ContextType>;
}>;

export type SchoolResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['School'] = ResolversParentTypes['School']> = ResolversObject<{
  uai?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type SessionResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['Session'] = ResolversParentTypes['Session']> = ResolversObject<{
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  current?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  identityProvider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  lastSeenAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  userAgent?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type StudentResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['Student'] = ResolversParentTypes['Student']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type ViewerResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['Viewer'] = ResolversParentTypes['Viewer']> = ResolversObject<{
  accessLog?: Resolver<Array<ResolversTypes['AccessEvent']>, ParentType, ContextType, RequireFields<ViewerAccessLogArgs, 'first'>>;
  children?: Resolver<Array<ResolversTypes['Student']>, ParentType, ContextType>;
  dataExports?: Resolver<Array<ResolversTypes['DataExport']>, ParentType, ContextType>;
  functions?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  loginHistory?: Resolver<Array<ResolversTypes['LoginEvent']>, ParentType, ContextType, RequireFields<ViewerLoginHistoryArgs, 'first'>>;
  person?: Resolver<ResolversTypes['Person'], ParentType, ContextType>;
  profile?: Resolver<ResolversTypes['Profile'], ParentType, ContextType>;
  schools?: Resolver<Array<ResolversTypes['School']>, ParentType, ContextType>;
  session?: Resolver<Maybe<ResolversTypes['Session']>, ParentType, ContextType>;
  sessions?: Resolver<Array<ResolversTypes['Session']>, ParentType, ContextType>;
}>;

export type Resolvers<ContextType = IdentityContext> = ResolversObject<{
  AccessEvent?: AccessEventResolvers<ContextType>;
  DataExport?: DataExportResolvers<ContextType>;
  DataExportLink?: DataExportLinkResolvers<ContextType>;
  LoginEvent?: LoginEventResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Person?: PersonResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  School?: SchoolResolvers<ContextType>;
  Session?: SessionResolvers<ContextType>;
  Student?: StudentResolvers<ContextType>;
  Viewer?: ViewerResolvers<ContextType>;
}>;

export type DirectiveResolvers<ContextType = IdentityContext> = ResolversObject<{
  auditSubject?: AuditSubjectDirectiveResolver<any, any, ContextType>;
  cacheControl?: CacheControlDirectiveResolver<any, any, ContextType>;
}>;
