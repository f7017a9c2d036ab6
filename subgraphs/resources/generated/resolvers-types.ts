import type { GraphQLResolveInfo } from 'graphql';
import type { GarResource as GarResourceModel, GarSubscription as GarSubscriptionModel } from '../../../connectors/gar/gar-client.ts';
import type { SchoolResourcesRef as SchoolResourcesRefModel } from '../resolvers.ts';
import type { ResourcesContext } from '../context.ts';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  _FieldSet: { input: unknown; output: unknown; }
};

/** PUBLIC: the same for everyone; PRIVATE: for this viewer only (always, in this hub). */
export type CacheControlScope =
  | 'PRIVATE'
  | 'PUBLIC';

export type Licence = {
  __typename?: 'Licence';
  /** ELEVE, ENSEIGNANT, DOCUMENTALISTE or AUTRE PERSONNEL. */
  audience: Scalars['String']['output'];
  /** Null when unlimited (ILLIMITE). */
  count?: Maybe<Scalars['Int']['output']>;
  unlimited: Scalars['Boolean']['output'];
};

export type PresentationType = {
  __typename?: 'PresentationType';
  code: Scalars['String']['output'];
  name: Scalars['String']['output'];
};

/** Digital textbooks and resources reached through the GAR (Gestionnaire d'Accès aux Ressources). */
export type Query = {
  __typename?: 'Query';
  /**
   * The viewer's resources, per school (a person in several schools has a catalogue in each).
   * Null, with an error naming the GAR, when the GAR cannot be reached.
   */
  myResources?: Maybe<Array<SchoolResources>>;
};


/** Digital textbooks and resources reached through the GAR (Gestionnaire d'Accès aux Ressources). */
export type QueryMyResourcesArgs = {
  filter?: InputMaybe<ResourceFilter>;
};

export type Resource = {
  __typename?: 'Resource';
  /** Where the person opens the resource (through the GAR). */
  accessUrl: Scalars['String']['output'];
  description?: Maybe<Scalars['String']['output']>;
  documentTypes: Array<Scalars['String']['output']>;
  domains: Array<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  levels: Array<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  pedagogicalTypes: Array<Scalars['String']['output']>;
  presentationType?: Maybe<PresentationType>;
  publisher?: Maybe<Scalars['String']['output']>;
  thumbnailUrl?: Maybe<Scalars['String']['output']>;
};

export type ResourceFilter = {
  /** A teaching domain, e.g. Mathématiques. */
  domain?: InputMaybe<Scalars['String']['input']>;
  /** An educational level, e.g. 5e. */
  level?: InputMaybe<Scalars['String']['input']>;
  /** Words of the resource's name (case and accents ignored). */
  search?: InputMaybe<Scalars['String']['input']>;
  /** A presentation type: its code (MAN, DIC, VID) or its name. */
  type?: InputMaybe<Scalars['String']['input']>;
  /** Only this school. */
  uai?: InputMaybe<Scalars['ID']['input']>;
};

export type ResourceSubscription = {
  __typename?: 'ResourceSubscription';
  /** ETABL (the whole school) or INDIV (named people). */
  assignmentType: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  licences: Array<Licence>;
  resourceId: Scalars['String']['output'];
  validFrom: Scalars['String']['output'];
  validTo: Scalars['String']['output'];
};

export type School = {
  __typename?: 'School';
  /** The school's GAR subscriptions; for people holding the GAR assignment role in this school. */
  subscriptions?: Maybe<Array<ResourceSubscription>>;
  uai: Scalars['ID']['output'];
};

export type SchoolResources = {
  __typename?: 'SchoolResources';
  /** Null with an error when the GAR failed for this school. */
  resources?: Maybe<Array<Resource>>;
  school: School;
};

/** A pupil, as the GAR serves them: the digital resources the GAR gives them, in each of their schools. */
export type Student = {
  __typename?: 'Student';
  id: Scalars['ID']['output'];
  /**
   * The pupil's digital resources, per school: for the pupil and their legal guardians (a "personne
   * en charge" only where the hub is configured so), never anyone else, teachers and staff included
   * (their own catalogue is `myResources`): null with FORBIDDEN. A school's list is null with an error
   * naming the GAR when the GAR cannot be reached.
   */
  resources?: Maybe<Array<SchoolResources>>;
};


/** A pupil, as the GAR serves them: the digital resources the GAR gives them, in each of their schools. */
export type StudentResourcesArgs = {
  filter?: InputMaybe<ResourceFilter>;
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
  School: School;
  Student: Student;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  School:
    ( { __typename: 'School' }
    & GraphQLRecursivePick<FederationTypes['School'], {"uai":true}> );
  Student:
    ( { __typename: 'Student' }
    & GraphQLRecursivePick<FederationTypes['Student'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  CacheControlScope: CacheControlScope;
  Licence: ResolverTypeWrapper<Licence>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  PresentationType: ResolverTypeWrapper<PresentationType>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Resource: ResolverTypeWrapper<GarResourceModel>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  ResourceFilter: ResourceFilter;
  ResourceSubscription: ResolverTypeWrapper<GarSubscriptionModel>;
  School: ResolverTypeWrapper<Omit<School, 'subscriptions'> & { subscriptions?: Maybe<Array<ResolversTypes['ResourceSubscription']>> }>;
  SchoolResources: ResolverTypeWrapper<SchoolResourcesRefModel>;
  Student: ResolverTypeWrapper<Omit<Student, 'resources'> & { resources?: Maybe<Array<ResolversTypes['SchoolResources']>> }>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Licence: Licence;
  String: Scalars['String']['output'];
  PresentationType: PresentationType;
  Query: Record<PropertyKey, never>;
  Resource: GarResourceModel;
  ID: Scalars['ID']['output'];
  ResourceFilter: ResourceFilter;
  ResourceSubscription: GarSubscriptionModel;
  School: Omit<School, 'subscriptions'> & { subscriptions?: Maybe<Array<ResolversParentTypes['ResourceSubscription']>> } | FederationReferenceTypes['School'];
  SchoolResources: SchoolResourcesRefModel;
  Student: Omit<Student, 'resources'> & { resources?: Maybe<Array<ResolversParentTypes['SchoolResources']>> } | FederationReferenceTypes['Student'];
  Boolean: Scalars['Boolean']['output'];
  Int: Scalars['Int']['output'];
}>;

export type CacheControlDirectiveArgs = {
  inheritMaxAge?: Maybe<Scalars['Boolean']['input']>;
  maxAge?: Maybe<Scalars['Int']['input']>;
  scope?: Maybe<CacheControlScope>;
};

export type CacheControlDirectiveResolver<Result, Parent, ContextType = ResourcesContext, Args = CacheControlDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type LicenceResolvers<ContextType = ResourcesContext, ParentType extends ResolversParentTypes['Licence'] = ResolversParentTypes['Licence']> = ResolversObject<{
  audience?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  count?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  unlimited?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type PresentationTypeResolvers<ContextType = ResourcesContext, ParentType extends ResolversParentTypes['PresentationType'] = ResolversParentTypes['PresentationType']> = ResolversObject<{
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = ResourcesContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  myResources?: Resolver<Maybe<Array<ResolversTypes['SchoolResources']>>, ParentType, ContextType, Partial<QueryMyResourcesArgs>>;
}>;

export type ResourceResolvers<ContextType = ResourcesContext, ParentType extends ResolversParentTypes['Resource'] = ResolversParentTypes['Resource']> = ResolversObject<{
  accessUrl?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  documentTypes?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  domains?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  levels?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  pedagogicalTypes?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  presentationType?: Resolver<Maybe<ResolversTypes['PresentationType']>, ParentType, ContextType>;
  publisher?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  thumbnailUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type ResourceSubscriptionResolvers<ContextType = ResourcesContext, ParentType extends ResolversParentTypes['ResourceSubscription'] = ResolversParentTypes['ResourceSubscription']> = ResolversObject<{
  assignmentType?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  licences?: Resolver<Array<ResolversTypes['Licence']>, ParentType, ContextType>;
  resourceId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  validFrom?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  validTo?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type SchoolResolvers<ContextType = ResourcesContext, ParentType extends ResolversParentTypes['School'] = ResolversParentTypes['School'], FederationReferenceType extends FederationReferenceTypes['School'] = FederationReferenceTypes['School']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['School']> | FederationReferenceType, FederationReferenceType, ContextType>;
  subscriptions?: Resolver<Maybe<Array<ResolversTypes['ResourceSubscription']>>, ParentType, ContextType>;
  uai?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type SchoolResourcesResolvers<ContextType = ResourcesContext, ParentType extends ResolversParentTypes['SchoolResources'] = ResolversParentTypes['SchoolResources']> = ResolversObject<{
  resources?: Resolver<Maybe<Array<ResolversTypes['Resource']>>, ParentType, ContextType>;
  school?: Resolver<ResolversTypes['School'], ParentType, ContextType>;
}>;

export type StudentResolvers<ContextType = ResourcesContext, ParentType extends ResolversParentTypes['Student'] = ResolversParentTypes['Student'], FederationReferenceType extends FederationReferenceTypes['Student'] = FederationReferenceTypes['Student']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Student']> | FederationReferenceType, FederationReferenceType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  resources?: Resolver<Maybe<Array<ResolversTypes['SchoolResources']>>, ParentType, ContextType, Partial<StudentResourcesArgs>>;
}>;

export type Resolvers<ContextType = ResourcesContext> = ResolversObject<{
  Licence?: LicenceResolvers<ContextType>;
  PresentationType?: PresentationTypeResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Resource?: ResourceResolvers<ContextType>;
  ResourceSubscription?: ResourceSubscriptionResolvers<ContextType>;
  School?: SchoolResolvers<ContextType>;
  SchoolResources?: SchoolResourcesResolvers<ContextType>;
  Student?: StudentResolvers<ContextType>;
}>;

export type DirectiveResolvers<ContextType = ResourcesContext> = ResolversObject<{
  cacheControl?: CacheControlDirectiveResolver<any, any, ContextType>;
}>;
