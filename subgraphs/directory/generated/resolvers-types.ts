import type { GraphQLResolveInfo } from 'graphql';
import type { Person as PersonModel, Student as StudentModel, Guardian as GuardianModel, EducationStaff as EducationStaffModel, StaffFunction as StaffFunctionModel, School as SchoolModel, Subject as SubjectModel, Mef as MefModel } from '../../../connectors/directory/model.ts';
import type { StructureUnitRef as StructureUnitRefModel, GuardianLinkRef as GuardianLinkRefModel, TeachingRef as TeachingRefModel } from '../models.ts';
import type { ChildLink as ChildLinkModel } from '../../../connectors/directory/directory.ts';
import type { DirectoryContext } from '../context.ts';
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

export type Address = {
  __typename?: 'Address';
  city?: Maybe<Scalars['String']['output']>;
  country?: Maybe<Scalars['String']['output']>;
  postalCode?: Maybe<Scalars['String']['output']>;
  street?: Maybe<Scalars['String']['output']>;
};

/** PUBLIC: the same for everyone; PRIVATE: for this viewer only (always, in this hub). */
export type CacheControlScope =
  | 'PRIVATE'
  | 'PUBLIC';

export type ChildLink = {
  __typename?: 'ChildLink';
  contact: Scalars['Boolean']['output'];
  financial: Scalars['Boolean']['output'];
  legalGuardian: Scalars['Boolean']['output'];
  personInCharge: Scalars['Boolean']['output'];
  relationship: Scalars['String']['output'];
  student: Student;
};

/** A class; its id is `UAI:code`. */
export type Class = {
  __typename?: 'Class';
  code: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  school: School;
  /** The pupils of the class the viewer may see. */
  students: Array<Student>;
  teachers: Array<Teacher>;
};

/** A group (a subset of pupils across classes, e.g. a language group); its id is `UAI:code`. */
export type Group = {
  __typename?: 'Group';
  code: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  school: School;
  students: Array<Student>;
  teachers: Array<Teacher>;
};

export type Guardian = Person & {
  __typename?: 'Guardian';
  address?: Maybe<Address>;
  birthDate?: Maybe<Scalars['String']['output']>;
  /** The pupils this adult is linked to, with the link's flags. Only those the viewer may see. */
  children: Array<ChildLink>;
  displayName: Scalars['String']['output'];
  email?: Maybe<Scalars['String']['output']>;
  firstName: Scalars['String']['output'];
  homePhone?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  lastName: Scalars['String']['output'];
  mobilePhone?: Maybe<Scalars['String']['output']>;
  profile: Profile;
  schools: Array<School>;
  title?: Maybe<Scalars['String']['output']>;
  workPhone?: Maybe<Scalars['String']['output']>;
};

/** How a pupil and an adult are linked (ENTElevePersRelEleve). */
export type GuardianLink = {
  __typename?: 'GuardianLink';
  contact: Scalars['Boolean']['output'];
  financial: Scalars['Boolean']['output'];
  guardian?: Maybe<Guardian>;
  /** Responsable légal (respLégal 1). */
  legalGuardian: Scalars['Boolean']['output'];
  /** Personne en charge (respLégal 2). */
  personInCharge: Scalars['Boolean']['output'];
  relationship: Scalars['String']['output'];
};

/** Module Élémentaire de Formation: the pupil's level and track. */
export type Mef = {
  __typename?: 'Mef';
  code: Scalars['ID']['output'];
  label: Scalars['String']['output'];
};

export type Person = {
  displayName: Scalars['String']['output'];
  firstName: Scalars['String']['output'];
  /** Directory id (the AAF jointure). */
  id: Scalars['ID']['output'];
  lastName: Scalars['String']['output'];
  profile: Profile;
  schools: Array<School>;
  title?: Maybe<Scalars['String']['output']>;
};

export type Profile =
  | 'GUARDIAN'
  | 'STAFF'
  | 'STUDENT'
  | 'TEACHER';

/**
 * The académie directory: schools, classes, groups, subjects, and the people in them.
 * Every person is visible only within the viewer's perimeter: themselves, their children (as legal
 * guardian), the pupils of their classes and groups (as teacher), the pupils of their school (as
 * staff whose function covers it). Outside it, a person read is null with a FORBIDDEN error.
 */
export type Query = {
  __typename?: 'Query';
  class?: Maybe<Class>;
  group?: Maybe<Group>;
  /** The person behind the request. */
  me?: Maybe<Person>;
  person?: Maybe<Person>;
  /** A school by its UAI (public information). */
  school?: Maybe<School>;
  schools: Array<School>;
  /**
   * People whose names start with `text`, within the viewer's perimeter (to choose message recipients);
   * at most `first` (50 at most). Costs 500 in the router's budget (a search of the académie's
   * directory; aliases multiply it), and what is selected of each person counts `first` times.
   */
  searchPeople: Array<Person>;
};


/**
 * The académie directory: schools, classes, groups, subjects, and the people in them.
 * Every person is visible only within the viewer's perimeter: themselves, their children (as legal
 * guardian), the pupils of their classes and groups (as teacher), the pupils of their school (as
 * staff whose function covers it). Outside it, a person read is null with a FORBIDDEN error.
 */
export type QueryClassArgs = {
  id: Scalars['ID']['input'];
};


/**
 * The académie directory: schools, classes, groups, subjects, and the people in them.
 * Every person is visible only within the viewer's perimeter: themselves, their children (as legal
 * guardian), the pupils of their classes and groups (as teacher), the pupils of their school (as
 * staff whose function covers it). Outside it, a person read is null with a FORBIDDEN error.
 */
export type QueryGroupArgs = {
  id: Scalars['ID']['input'];
};


/**
 * The académie directory: schools, classes, groups, subjects, and the people in them.
 * Every person is visible only within the viewer's perimeter: themselves, their children (as legal
 * guardian), the pupils of their classes and groups (as teacher), the pupils of their school (as
 * staff whose function covers it). Outside it, a person read is null with a FORBIDDEN error.
 */
export type QueryPersonArgs = {
  id: Scalars['ID']['input'];
};


/**
 * The académie directory: schools, classes, groups, subjects, and the people in them.
 * Every person is visible only within the viewer's perimeter: themselves, their children (as legal
 * guardian), the pupils of their classes and groups (as teacher), the pupils of their school (as
 * staff whose function covers it). Outside it, a person read is null with a FORBIDDEN error.
 */
export type QuerySchoolArgs = {
  uai: Scalars['ID']['input'];
};


/**
 * The académie directory: schools, classes, groups, subjects, and the people in them.
 * Every person is visible only within the viewer's perimeter: themselves, their children (as legal
 * guardian), the pupils of their classes and groups (as teacher), the pupils of their school (as
 * staff whose function covers it). Outside it, a person read is null with a FORBIDDEN error.
 */
export type QuerySearchPeopleArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  text: Scalars['String']['input'];
};

export type School = {
  __typename?: 'School';
  academy?: Maybe<Scalars['String']['output']>;
  city?: Maybe<Scalars['String']['output']>;
  classes: Array<Class>;
  groups: Array<Group>;
  name: Scalars['String']['output'];
  type?: Maybe<Scalars['String']['output']>;
  /** Unité Administrative Immatriculée. */
  uai: Scalars['ID']['output'];
};

export type Staff = Person & {
  __typename?: 'Staff';
  birthDate?: Maybe<Scalars['String']['output']>;
  displayName: Scalars['String']['output'];
  email?: Maybe<Scalars['String']['output']>;
  firstName: Scalars['String']['output'];
  functions: Array<StaffFunction>;
  id: Scalars['ID']['output'];
  lastName: Scalars['String']['output'];
  profile: Profile;
  schools: Array<School>;
  title?: Maybe<Scalars['String']['output']>;
};

export type StaffFunction = {
  __typename?: 'StaffFunction';
  /** AAF function code: DIR direction, EDU vie scolaire/CPE, DOC documentation, ENS teaching… */
  code: Scalars['String']['output'];
  label?: Maybe<Scalars['String']['output']>;
  school?: Maybe<School>;
};

export type Student = Person & {
  __typename?: 'Student';
  address?: Maybe<Address>;
  birthDate?: Maybe<Scalars['String']['output']>;
  classes: Array<Class>;
  displayName: Scalars['String']['output'];
  email?: Maybe<Scalars['String']['output']>;
  firstName: Scalars['String']['output'];
  groups: Array<Group>;
  /** The adults linked to the pupil, with the flags of each link. Only those the viewer may see. */
  guardians: Array<GuardianLink>;
  homePhone?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** Identifiant National Élève. */
  ine?: Maybe<Scalars['String']['output']>;
  lastName: Scalars['String']['output'];
  mef?: Maybe<Mef>;
  profile: Profile;
  /** Boarding regime (externe, demi-pensionnaire, interne). */
  regime?: Maybe<Scalars['String']['output']>;
  scholarship?: Maybe<Scalars['Boolean']['output']>;
  schools: Array<School>;
  title?: Maybe<Scalars['String']['output']>;
};

export type Subject = {
  __typename?: 'Subject';
  /** BCN subject code (e.g. 061300 MATHEMATIQUES). */
  code: Scalars['ID']['output'];
  label: Scalars['String']['output'];
};

export type Teacher = Person & {
  __typename?: 'Teacher';
  birthDate?: Maybe<Scalars['String']['output']>;
  classes: Array<Class>;
  displayName: Scalars['String']['output'];
  email?: Maybe<Scalars['String']['output']>;
  firstName: Scalars['String']['output'];
  functions: Array<StaffFunction>;
  id: Scalars['ID']['output'];
  lastName: Scalars['String']['output'];
  profile: Profile;
  schools: Array<School>;
  subjects: Array<Subject>;
  /** What the teacher teaches, to which class or group. */
  teachings: Array<Teaching>;
  title?: Maybe<Scalars['String']['output']>;
};

export type Teaching = {
  __typename?: 'Teaching';
  class?: Maybe<Class>;
  group?: Maybe<Group>;
  subject?: Maybe<Subject>;
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
  Class: Class;
  Group: Group;
  Guardian: Guardian;
  Mef: Mef;
  Person: Person;
  School: School;
  Staff: Staff;
  Student: Student;
  Subject: Subject;
  Teacher: Teacher;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Class:
    ( { __typename: 'Class' }
    & GraphQLRecursivePick<FederationTypes['Class'], {"id":true}> );
  Group:
    ( { __typename: 'Group' }
    & GraphQLRecursivePick<FederationTypes['Group'], {"id":true}> );
  Guardian:
    ( { __typename: 'Guardian' }
    & GraphQLRecursivePick<FederationTypes['Guardian'], {"id":true}> );
  Mef:
    ( { __typename: 'Mef' }
    & GraphQLRecursivePick<FederationTypes['Mef'], {"code":true}> );
  Person:
    ( { __typename: 'Person' }
    & GraphQLRecursivePick<FederationTypes['Person'], {"id":true}> );
  School:
    ( { __typename: 'School' }
    & GraphQLRecursivePick<FederationTypes['School'], {"uai":true}> );
  Staff:
    ( { __typename: 'Staff' }
    & GraphQLRecursivePick<FederationTypes['Staff'], {"id":true}> );
  Student:
    ( { __typename: 'Student' }
    & GraphQLRecursivePick<FederationTypes['Student'], {"id":true}> );
  Subject:
    ( { __typename: 'Subject' }
    & GraphQLRecursivePick<FederationTypes['Subject'], {"code":true}> );
  Teacher:
    ( { __typename: 'Teacher' }
    & GraphQLRecursivePick<FederationTypes['Teacher'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  Address: ResolverTypeWrapper<Address>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  CacheControlScope: CacheControlScope;
  ChildLink: ResolverTypeWrapper<ChildLinkModel>;
  Class: ResolverTypeWrapper<StructureUnitRefModel>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Group: ResolverTypeWrapper<StructureUnitRefModel>;
  Guardian: ResolverTypeWrapper<GuardianModel>;
  GuardianLink: ResolverTypeWrapper<GuardianLinkRefModel>;
  Mef: ResolverTypeWrapper<MefModel>;
  Person: ResolverTypeWrapper<PersonModel>;
  Profile: Profile;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  School: ResolverTypeWrapper<SchoolModel>;
  Staff: ResolverTypeWrapper<EducationStaffModel>;
  StaffFunction: ResolverTypeWrapper<StaffFunctionModel>;
  Student: ResolverTypeWrapper<StudentModel>;
  Subject: ResolverTypeWrapper<SubjectModel>;
  Teacher: ResolverTypeWrapper<EducationStaffModel>;
  Teaching: ResolverTypeWrapper<TeachingRefModel>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Address: Address;
  String: Scalars['String']['output'];
  ChildLink: ChildLinkModel;
  Class: StructureUnitRefModel;
  ID: Scalars['ID']['output'];
  Group: StructureUnitRefModel;
  Guardian: GuardianModel;
  GuardianLink: GuardianLinkRefModel;
  Mef: MefModel;
  Person: PersonModel;
  Query: Record<PropertyKey, never>;
  School: SchoolModel;
  Staff: EducationStaffModel;
  StaffFunction: StaffFunctionModel;
  Student: StudentModel;
  Subject: SubjectModel;
  Teacher: EducationStaffModel;
  Teaching: TeachingRefModel;
  Boolean: Scalars['Boolean']['output'];
  Int: Scalars['Int']['output'];
}>;

export type AuditSubjectDirectiveArgs = { };

export type AuditSubjectDirectiveResolver<Result, Parent, ContextType = DirectoryContext, Args = AuditSubjectDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type CacheControlDirectiveArgs = {
  inheritMaxAge?: Maybe<Scalars['Boolean']['input']>;
  maxAge?: Maybe<Scalars['Int']['input']>;
  scope?: Maybe<CacheControlScope>;
};

export type CacheControlDirectiveResolver<Result, Parent, ContextType = DirectoryContext, Args = CacheControlDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type AddressResolvers<ContextType = DirectoryContext, ParentType extends ResolversParentTypes['Address'] = ResolversParentTypes['Address']> = ResolversObject<{
  city?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  country?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  postalCode?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  street?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type ChildLinkResolvers<ContextType = DirectoryContext, ParentType extends ResolversParentTypes['ChildLink'] = ResolversParentTypes['ChildLink']> = ResolversObject<{
  contact?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  financial?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  legalGuardian?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  personInCharge?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  relationship?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  student?: Resolver<ResolversTypes['Student'], ParentType, ContextType>;
}>;

export type ClassResolvers<ContextType = DirectoryContext, ParentType extends ResolversParentTypes['Class'] = ResolversParentTypes['Class'], FederationReferenceType extends FederationReferenceTypes['Class'] = FederationReferenceTypes['Class']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Class']> | FederationReferenceType, FederationReferenceType, ContextType>;
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  school?: Resolver<ResolversTypes['School'], ParentType, ContextType>;
  students?: Resolver<Array<ResolversTypes['Student']>, ParentType, ContextType>;
  teachers?: Resolver<Array<ResolversTypes['Teacher']>, ParentType, ContextType>;
}>;

export type GroupResolvers<ContextType = DirectoryContext, ParentType extends ResolversParentTypes['Group'] = ResolversParentTypes['Group'], FederationReferenceType extends FederationReferenceTypes['Group'] = FederationReferenceTypes['Group']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Group']> | FederationReferenceType, FederationReferenceType, ContextType>;
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  school?: Resolver<ResolversTypes['School'], ParentType, ContextType>;
  students?: Resolver<Array<ResolversTypes['Student']>, ParentType, ContextType>;
  teachers?: Resolver<Array<ResolversTypes['Teacher']>, ParentType, ContextType>;
}>;

export type GuardianResolvers<ContextType = DirectoryContext, ParentType extends ResolversParentTypes['Guardian'] = ResolversParentTypes['Guardian'], FederationReferenceType extends FederationReferenceTypes['Guardian'] = FederationReferenceTypes['Guardian']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Guardian']> | FederationReferenceType, FederationReferenceType, ContextType>;
  address?: Resolver<Maybe<ResolversTypes['Address']>, ParentType, ContextType>;
  birthDate?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  children?: Resolver<Array<ResolversTypes['ChildLink']>, ParentType, ContextType>;
  displayName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  email?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  firstName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  homePhone?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lastName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  mobilePhone?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  profile?: Resolver<ResolversTypes['Profile'], ParentType, ContextType>;
  schools?: Resolver<Array<ResolversTypes['School']>, ParentType, ContextType>;
  title?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  workPhone?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type GuardianLinkResolvers<ContextType = DirectoryContext, ParentType extends ResolversParentTypes['GuardianLink'] = ResolversParentTypes['GuardianLink']> = ResolversObject<{
  contact?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  financial?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  guardian?: Resolver<Maybe<ResolversTypes['Guardian']>, ParentType, ContextType>;
  legalGuardian?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  personInCharge?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  relationship?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type MefResolvers<ContextType = DirectoryContext, ParentType extends ResolversParentTypes['Mef'] = ResolversParentTypes['Mef'], FederationReferenceType extends FederationReferenceTypes['Mef'] = FederationReferenceTypes['Mef']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Mef']> | FederationReferenceType, FederationReferenceType, ContextType>;
  code?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  label?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type PersonResolvers<ContextType = DirectoryContext, ParentType extends ResolversParentTypes['Person'] = ResolversParentTypes['Person'], FederationReferenceType extends FederationReferenceTypes['Person'] = FederationReferenceTypes['Person']> = ResolversObject<{
  __resolveType: TypeResolveFn<'Guardian' | 'Staff' | 'Student' | 'Teacher', ParentType, ContextType>;
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Person']> | FederationReferenceType, FederationReferenceType, ContextType>;
}>;

export type QueryResolvers<ContextType = DirectoryContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  class?: Resolver<Maybe<ResolversTypes['Class']>, ParentType, ContextType, RequireFields<QueryClassArgs, 'id'>>;
  group?: Resolver<Maybe<ResolversTypes['Group']>, ParentType, ContextType, RequireFields<QueryGroupArgs, 'id'>>;
  me?: Resolver<Maybe<ResolversTypes['Person']>, ParentType, ContextType>;
  person?: Resolver<Maybe<ResolversTypes['Person']>, ParentType, ContextType, RequireFields<QueryPersonArgs, 'id'>>;
  school?: Resolver<Maybe<ResolversTypes['School']>, ParentType, ContextType, RequireFields<QuerySchoolArgs, 'uai'>>;
  schools?: Resolver<Array<ResolversTypes['School']>, ParentType, ContextType>;
  searchPeople?: Resolver<Array<ResolversTypes['Person']>, ParentType, ContextType, RequireFields<QuerySearchPeopleArgs, 'first' | 'text'>>;
}>;

export type SchoolResolvers<ContextType = DirectoryContext, ParentType extends ResolversParentTypes['School'] = ResolversParentTypes['School'], FederationReferenceType extends FederationReferenceTypes['School'] = FederationReferenceTypes['School']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['School']> | FederationReferenceType, FederationReferenceType, ContextType>;
  academy?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  city?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  classes?: Resolver<Array<ResolversTypes['Class']>, ParentType, ContextType>;
  groups?: Resolver<Array<ResolversTypes['Group']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  type?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  uai?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type StaffResolvers<ContextType = DirectoryContext, ParentType extends ResolversParentTypes['Staff'] = ResolversParentTypes['Staff'], FederationReferenceType extends FederationReferenceTypes['Staff'] = FederationReferenceTypes['Staff']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Staff']> | FederationReferenceType, FederationReferenceType, ContextType>;
  birthDate?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  displayName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  email?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  firstName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  functions?: Resolver<Array<ResolversTypes['StaffFunction']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lastName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  profile?: Resolver<ResolversTypes['Profile'], ParentType, ContextType>;
  schools?: Resolver<Array<ResolversTypes['School']>, ParentType, ContextType>;
  title?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type StaffFunctionResolvers<ContextType = DirectoryContext, ParentType extends ResolversParentTypes['StaffFunction'] = ResolversParentTypes['StaffFunction']> = ResolversObject<{
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  label?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  school?: Resolver<Maybe<ResolversTypes['School']>, ParentType, ContextType>;
}>;

export type StudentResolvers<ContextType = DirectoryContext, ParentType extends ResolversParentTypes['Student'] = ResolversParentTypes['Student'], FederationReferenceType extends FederationReferenceTypes['Student'] = FederationReferenceTypes['Student']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Student']> | FederationReferenceType, FederationReferenceType, ContextType>;
  address?: Resolver<Maybe<ResolversTypes['Address']>, ParentType, ContextType>;
  birthDate?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  classes?: Resolver<Array<ResolversTypes['Class']>, ParentType, ContextType>;
  displayName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  email?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  firstName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  groups?: Resolver<Array<ResolversTypes['Group']>, ParentType, ContextType>;
  guardians?: Resolver<Array<ResolversTypes['GuardianLink']>, ParentType, ContextType>;
  homePhone?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  ine?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  lastName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  mef?: Resolver<Maybe<ResolversTypes['Mef']>, ParentType, ContextType>;
  profile?: Resolver<ResolversTypes['Profile'], ParentType, ContextType>;
  regime?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  scholarship?: Resolver<Maybe<ResolversTypes['Boolean']>, ParentType, ContextType>;
  schools?: Resolver<Array<ResolversTypes['School']>, ParentType, ContextType>;
  title?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type SubjectResolvers<ContextType = DirectoryContext, ParentType extends ResolversParentTypes['Subject'] = ResolversParentTypes['Subject'], FederationReferenceType extends FederationReferenceTypes['Subject'] = FederationReferenceTypes['Subject']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Subject']> | FederationReferenceType, FederationReferenceType, ContextType>;
  code?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  label?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type TeacherResolvers<ContextType = DirectoryContext, ParentType extends ResolversParentTypes['Teacher'] = ResolversParentTypes['Teacher'], FederationReferenceType extends FederationReferenceTypes['Teacher'] = FederationReferenceTypes['Teacher']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Teacher']> | FederationReferenceType, FederationReferenceType, ContextType>;
  birthDate?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  classes?: Resolver<Array<ResolversTypes['Class']>, ParentType, ContextType>;
  displayName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  email?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  firstName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  functions?: Resolver<Array<ResolversTypes['StaffFunction']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lastName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  profile?: Resolver<ResolversTypes['Profile'], ParentType, ContextType>;
  schools?: Resolver<Array<ResolversTypes['School']>, ParentType, ContextType>;
  subjects?: Resolver<Array<ResolversTypes['Subject']>, ParentType, ContextType>;
  teachings?: Resolver<Array<ResolversTypes['Teaching']>, ParentType, ContextType>;
  title?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type TeachingResolvers<ContextType = DirectoryContext, ParentType extends ResolversParentTypes['Teaching'] = ResolversParentTypes['Teaching']> = ResolversObject<{
  class?: Resolver<Maybe<ResolversTypes['Class']>, ParentType, ContextType>;
  group?: Resolver<Maybe<ResolversTypes['Group']>, ParentType, ContextType>;
  subject?: Resolver<Maybe<ResolversTypes['Subject']>, ParentType, ContextType>;
}>;

export type Resolvers<ContextType = DirectoryContext> = ResolversObject<{
  Address?: AddressResolvers<ContextType>;
  ChildLink?: ChildLinkResolvers<ContextType>;
  Class?: ClassResolvers<ContextType>;
  Group?: GroupResolvers<ContextType>;
  Guardian?: GuardianResolvers<ContextType>;
  GuardianLink?: GuardianLinkResolvers<ContextType>;
  Mef?: MefResolvers<ContextType>;
  Person?: PersonResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  School?: SchoolResolvers<ContextType>;
  Staff?: StaffResolvers<ContextType>;
  StaffFunction?: StaffFunctionResolvers<ContextType>;
  Student?: StudentResolvers<ContextType>;
  Subject?: SubjectResolvers<ContextType>;
  Teacher?: TeacherResolvers<ContextType>;
  Teaching?: TeachingResolvers<ContextType>;
}>;

export type DirectiveResolvers<ContextType = DirectoryContext> = ResolversObject<{
  auditSubject?: AuditSubjectDirectiveResolver<any, any, ContextType>;
  cacheControl?: CacheControlDirectiveResolver<any, any, ContextType>;
}>;
