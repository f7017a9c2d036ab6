import type { GraphQLResolveInfo } from 'graphql';
import type { Grade as GradeModel, Period as PeriodModel, Absence as AbsenceModel, Lateness as LatenessModel, Punishment as PunishmentModel, Homework as HomeworkModel, Lesson as LessonModel, LessonContent as LessonContentModel } from '../../../connectors/vie-scolaire/client.ts';
import type { PeriodAverages as PeriodAveragesModel, SubjectAverage as SubjectAverageModel } from '../averages.ts';
import type { OutboxItem as OutboxItemModel } from '../../../store/outbox/item.ts';
import type { CalendarFeed as CalendarFeedModel } from '../calendar/feed-store.ts';
import type { VieScolaireContext } from '../context.ts';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
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

export type Absence = {
  __typename?: 'Absence';
  end: Scalars['String']['output'];
  hoursMissed: Scalars['Float']['output'];
  id: Scalars['ID']['output'];
  justified: Scalars['Boolean']['output'];
  /** The school asks the guardians to justify it. */
  parentsShouldJustify: Scalars['Boolean']['output'];
  reasons: Array<Scalars['String']['output']>;
  settled: Scalars['Boolean']['output'];
  start: Scalars['String']['output'];
};

/** PUBLIC: the same for everyone; PRIVATE: for this viewer only (always, in this hub). */
export type CacheControlScope =
  | 'PRIVATE'
  | 'PUBLIC';

export type CalendarFeed = {
  __typename?: 'CalendarFeed';
  createdAt: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  pupilId: Scalars['ID']['output'];
  /** Only when just created: the secret URL to paste into a calendar app. */
  url?: Maybe<Scalars['String']['output']>;
};

export type Class = {
  __typename?: 'Class';
  id: Scalars['ID']['output'];
  /** The cahier de textes: what was done in each lesson (default: the last 14 days). */
  lessonContents?: Maybe<Array<LessonContent>>;
};


export type ClassLessonContentsArgs = {
  from?: InputMaybe<Scalars['String']['input']>;
  to?: InputMaybe<Scalars['String']['input']>;
};

export type FileInput = {
  /** The file's bytes, base64-encoded. */
  base64: Scalars['String']['input'];
  contentType: Scalars['String']['input'];
  name: Scalars['String']['input'];
};

/** A grade: a value, or a special kind (ABSENT, EXEMPTED, NOT_GRADED, UNFIT, NOT_RETURNED, ABSENT_COUNTS_ZERO, NOT_RETURNED_COUNTS_ZERO, CONGRATULATIONS). */
export type Grade = {
  __typename?: 'Grade';
  bonus: Scalars['Boolean']['output'];
  classAverage?: Maybe<Scalars['Float']['output']>;
  classMax?: Maybe<Scalars['Float']['output']>;
  classMin?: Maybe<Scalars['Float']['output']>;
  coefficient: Scalars['Float']['output'];
  comment?: Maybe<Scalars['String']['output']>;
  date: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  kind?: Maybe<Scalars['String']['output']>;
  optional: Scalars['Boolean']['output'];
  outOf: Scalars['Float']['output'];
  periodId: Scalars['ID']['output'];
  scaleTo20: Scalars['Boolean']['output'];
  subject: VsSubject;
  value?: Maybe<Scalars['Float']['output']>;
};

export type Homework = {
  __typename?: 'Homework';
  attachments: Array<VsAttachment>;
  /** Sanitized HTML (no scripts, no event handlers; links kept). */
  descriptionHtml: Scalars['String']['output'];
  done: Scalars['Boolean']['output'];
  dueOn: Scalars['String']['output'];
  givenOn: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  /** PAPER or FILE, when the teacher expects something back. */
  returnKind?: Maybe<Scalars['String']['output']>;
  subject: VsSubject;
  submitted: Scalars['Boolean']['output'];
};

export type HomeworkSubmission = {
  __typename?: 'HomeworkSubmission';
  fileName: Scalars['String']['output'];
  homeworkId: Scalars['ID']['output'];
  id: Scalars['ID']['output'];
  state: Scalars['String']['output'];
  submittedAt: Scalars['String']['output'];
  updatedAt: Scalars['String']['output'];
};

/** PENDING (kept by the hub, not yet received by the school), SENT (received), ACCEPTED or REJECTED (by the vie scolaire office). */
export type Justification = {
  __typename?: 'Justification';
  absenceId: Scalars['ID']['output'];
  attachmentName?: Maybe<Scalars['String']['output']>;
  comment?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  reason: Scalars['String']['output'];
  state: Scalars['String']['output'];
  submittedAt: Scalars['String']['output'];
  updatedAt: Scalars['String']['output'];
};

export type JustifyAbsenceInput = {
  absenceId: Scalars['ID']['input'];
  attachment?: InputMaybe<FileInput>;
  comment?: InputMaybe<Scalars['String']['input']>;
  pupilId: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
};

export type Lateness = {
  __typename?: 'Lateness';
  at: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  justified: Scalars['Boolean']['output'];
  minutes: Scalars['Int']['output'];
  reason?: Maybe<Scalars['String']['output']>;
};

export type Lesson = {
  __typename?: 'Lesson';
  canceled: Scalars['Boolean']['output'];
  end: Scalars['String']['output'];
  exempted: Scalars['Boolean']['output'];
  groups: Array<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  rooms: Array<Scalars['String']['output']>;
  start: Scalars['String']['output'];
  /** e.g. Prof. absent, Classe absente, Cours modifié. */
  status?: Maybe<Scalars['String']['output']>;
  subject: VsSubject;
  teachers: Array<Scalars['String']['output']>;
  test: Scalars['Boolean']['output'];
};

export type LessonContent = {
  __typename?: 'LessonContent';
  category?: Maybe<Scalars['String']['output']>;
  descriptionHtml: Scalars['String']['output'];
  files: Array<VsAttachment>;
  id: Scalars['ID']['output'];
  start: Scalars['String']['output'];
  subject: VsSubject;
  title: Scalars['String']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /**
   * A secret, revocable iCalendar URL with the timetable and homework due dates of the viewer, or
   * (for a guardian) of one of their children. The URL is shown only in this answer.
   */
  createCalendarFeed?: Maybe<CalendarFeed>;
  /**
   * A legal guardian justifies an absence of their child. The justification is kept durably and
   * forwarded to the school's system, retried until it is received; its state says where it stands.
   * The attachment (PDF, PNG or JPEG, at most 1 MB) is optional.
   */
  justifyAbsence?: Maybe<Justification>;
  revokeCalendarFeed?: Maybe<Scalars['Boolean']['output']>;
  /** A pupil ticks a homework as done, or not. */
  setHomeworkDone?: Maybe<Scalars['Boolean']['output']>;
  /** A pupil hands in a homework file (PDF, image or office document, at most 1 MB); kept and forwarded like a justification. */
  submitHomework?: Maybe<HomeworkSubmission>;
};


export type MutationCreateCalendarFeedArgs = {
  pupilId?: InputMaybe<Scalars['ID']['input']>;
};


export type MutationJustifyAbsenceArgs = {
  input: JustifyAbsenceInput;
};


export type MutationRevokeCalendarFeedArgs = {
  id: Scalars['ID']['input'];
};


export type MutationSetHomeworkDoneArgs = {
  done: Scalars['Boolean']['input'];
  homeworkId: Scalars['ID']['input'];
};


export type MutationSubmitHomeworkArgs = {
  file: FileInput;
  homeworkId: Scalars['ID']['input'];
};

export type Period = {
  __typename?: 'Period';
  end: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  start: Scalars['String']['output'];
};

export type PeriodAverages = {
  __typename?: 'PeriodAverages';
  overall?: Maybe<Scalars['Float']['output']>;
  periodId: Scalars['ID']['output'];
  subjects: Array<SubjectAverage>;
};

export type Punishment = {
  __typename?: 'Punishment';
  date: Scalars['String']['output'];
  durationMinutes?: Maybe<Scalars['Int']['output']>;
  givenBy: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  reasons: Array<Scalars['String']['output']>;
  title: Scalars['String']['output'];
};

/**
 * Vie scolaire, read from each school's system (Pronote and the like): periods, grades and averages,
 * absences, lateness, punishments, homework, the cahier de textes and the timetable. Dates are
 * `yyyy-MM-dd`; date-times ISO 8601 with the Europe/Paris offset. A school's system that is down or
 * slow gives null with an error naming it; the rest of the graph answers.
 *
 * Costs (`@cost`, read by the router's cost budget): a field that may need its own call to a school's
 * system weighs 250 (each date range is a call: aliases with other ranges multiply it); one the
 * subgraph reads once per school whatever the arguments (cached, batched over pupils) weighs 50.
 * A mutation weighs what it may cost: 250 for those that check an id against the school's system
 * (and may write to it), 50 for a calendar feed's creation or revocation (a durable write).
 */
export type Query = {
  __typename?: 'Query';
  /** The calendar feeds the viewer created (their URLs were shown once, at creation). */
  myCalendarFeeds?: Maybe<Array<CalendarFeed>>;
};

export type Student = {
  __typename?: 'Student';
  /** Absences between two days (default: the last 90 days; at most 120 days). */
  absences?: Maybe<Array<Absence>>;
  /** Per-subject and overall averages of a period, out of 20 (the current one by default). */
  averages?: Maybe<PeriodAverages>;
  /** The grades of a period (the current one by default). */
  grades?: Maybe<Array<Grade>>;
  /** Homework due between two days (default: today and the next 14 days; at most 120 days). */
  homework?: Maybe<Array<Homework>>;
  /** The homework files this pupil handed in, newest first. */
  homeworkSubmissions?: Maybe<Array<HomeworkSubmission>>;
  id: Scalars['ID']['output'];
  /** The absence justifications sent for this pupil, newest first. */
  justifications?: Maybe<Array<Justification>>;
  lateness?: Maybe<Array<Lateness>>;
  periods?: Maybe<Array<Period>>;
  punishments?: Maybe<Array<Punishment>>;
  /** Lessons between two days (default: today and the next 7 days; at most 120 days). */
  timetable?: Maybe<Array<Lesson>>;
};


export type StudentAbsencesArgs = {
  from?: InputMaybe<Scalars['String']['input']>;
  to?: InputMaybe<Scalars['String']['input']>;
};


export type StudentAveragesArgs = {
  periodId?: InputMaybe<Scalars['ID']['input']>;
};


export type StudentGradesArgs = {
  periodId?: InputMaybe<Scalars['ID']['input']>;
};


export type StudentHomeworkArgs = {
  from?: InputMaybe<Scalars['String']['input']>;
  to?: InputMaybe<Scalars['String']['input']>;
};


export type StudentLatenessArgs = {
  from?: InputMaybe<Scalars['String']['input']>;
  to?: InputMaybe<Scalars['String']['input']>;
};


export type StudentPunishmentsArgs = {
  from?: InputMaybe<Scalars['String']['input']>;
  to?: InputMaybe<Scalars['String']['input']>;
};


export type StudentTimetableArgs = {
  from?: InputMaybe<Scalars['String']['input']>;
  to?: InputMaybe<Scalars['String']['input']>;
};

export type SubjectAverage = {
  __typename?: 'SubjectAverage';
  average?: Maybe<Scalars['Float']['output']>;
  classAverage?: Maybe<Scalars['Float']['output']>;
  /** How many grades count in the average. */
  counted: Scalars['Int']['output'];
  subject: VsSubject;
};

export type VsAttachment = {
  __typename?: 'VsAttachment';
  name: Scalars['String']['output'];
  url: Scalars['String']['output'];
};

export type VsSubject = {
  __typename?: 'VsSubject';
  code: Scalars['String']['output'];
  label: Scalars['String']['output'];
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
  Student: Student;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Class:
    ( { __typename: 'Class' }
    & GraphQLRecursivePick<FederationTypes['Class'], {"id":true}> );
  Student:
    ( { __typename: 'Student' }
    & GraphQLRecursivePick<FederationTypes['Student'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  Absence: ResolverTypeWrapper<AbsenceModel>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  CacheControlScope: CacheControlScope;
  CalendarFeed: ResolverTypeWrapper<CalendarFeedModel>;
  Class: ResolverTypeWrapper<Omit<Class, 'lessonContents'> & { lessonContents?: Maybe<Array<ResolversTypes['LessonContent']>> }>;
  FileInput: FileInput;
  Grade: ResolverTypeWrapper<GradeModel>;
  Homework: ResolverTypeWrapper<HomeworkModel>;
  HomeworkSubmission: ResolverTypeWrapper<OutboxItemModel>;
  Justification: ResolverTypeWrapper<OutboxItemModel>;
  JustifyAbsenceInput: JustifyAbsenceInput;
  Lateness: ResolverTypeWrapper<LatenessModel>;
  Lesson: ResolverTypeWrapper<LessonModel>;
  LessonContent: ResolverTypeWrapper<LessonContentModel>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Period: ResolverTypeWrapper<PeriodModel>;
  PeriodAverages: ResolverTypeWrapper<PeriodAveragesModel>;
  Punishment: ResolverTypeWrapper<PunishmentModel>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Student: ResolverTypeWrapper<Omit<Student, 'absences' | 'averages' | 'grades' | 'homework' | 'homeworkSubmissions' | 'justifications' | 'lateness' | 'periods' | 'punishments' | 'timetable'> & { absences?: Maybe<Array<ResolversTypes['Absence']>>, averages?: Maybe<ResolversTypes['PeriodAverages']>, grades?: Maybe<Array<ResolversTypes['Grade']>>, homework?: Maybe<Array<ResolversTypes['Homework']>>, homeworkSubmissions?: Maybe<Array<ResolversTypes['HomeworkSubmission']>>, justifications?: Maybe<Array<ResolversTypes['Justification']>>, lateness?: Maybe<Array<ResolversTypes['Lateness']>>, periods?: Maybe<Array<ResolversTypes['Period']>>, punishments?: Maybe<Array<ResolversTypes['Punishment']>>, timetable?: Maybe<Array<ResolversTypes['Lesson']>> }>;
  SubjectAverage: ResolverTypeWrapper<SubjectAverageModel>;
  VsAttachment: ResolverTypeWrapper<VsAttachment>;
  VsSubject: ResolverTypeWrapper<VsSubject>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Absence: AbsenceModel;
  String: Scalars['String']['output'];
  Float: Scalars['Float']['output'];
  ID: Scalars['ID']['output'];
  CalendarFeed: CalendarFeedModel;
  Class: Omit<Class, 'lessonContents'> & { lessonContents?: Maybe<Array<ResolversParentTypes['LessonContent']>> } | FederationReferenceTypes['Class'];
  FileInput: FileInput;
  Grade: GradeModel;
  Homework: HomeworkModel;
  HomeworkSubmission: OutboxItemModel;
  Justification: OutboxItemModel;
  JustifyAbsenceInput: JustifyAbsenceInput;
  Lateness: LatenessModel;
  Lesson: LessonModel;
  LessonContent: LessonContentModel;
  Mutation: Record<PropertyKey, never>;
  Period: PeriodModel;
  PeriodAverages: PeriodAveragesModel;
  Punishment: PunishmentModel;
  Query: Record<PropertyKey, never>;
  Student: Omit<Student, 'absences' | 'averages' | 'grades' | 'homework' | 'homeworkSubmissions' | 'justifications' | 'lateness' | 'periods' | 'punishments' | 'timetable'> & { absences?: Maybe<Array<ResolversParentTypes['Absence']>>, averages?: Maybe<ResolversParentTypes['PeriodAverages']>, grades?: Maybe<Array<ResolversParentTypes['Grade']>>, homework?: Maybe<Array<ResolversParentTypes['Homework']>>, homeworkSubmissions?: Maybe<Array<ResolversParentTypes['HomeworkSubmission']>>, justifications?: Maybe<Array<ResolversParentTypes['Justification']>>, lateness?: Maybe<Array<ResolversParentTypes['Lateness']>>, periods?: Maybe<Array<ResolversParentTypes['Period']>>, punishments?: Maybe<Array<ResolversParentTypes['Punishment']>>, timetable?: Maybe<Array<ResolversParentTypes['Lesson']>> } | FederationReferenceTypes['Student'];
  SubjectAverage: SubjectAverageModel;
  VsAttachment: VsAttachment;
  VsSubject: VsSubject;
  Boolean: Scalars['Boolean']['output'];
  Int: Scalars['Int']['output'];
}>;

export type AuditSubjectDirectiveArgs = { };

export type AuditSubjectDirectiveResolver<Result, Parent, ContextType = VieScolaireContext, Args = AuditSubjectDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type CacheControlDirectiveArgs = {
  inheritMaxAge?: Maybe<Scalars['Boolean']['input']>;
  maxAge?: Maybe<Scalars['Int']['input']>;
  scope?: Maybe<CacheControlScope>;
};

export type CacheControlDirectiveResolver<Result, Parent, ContextType = VieScolaireContext, Args = CacheControlDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type AbsenceResolvers<ContextType = VieScolaireContext, ParentType extends ResolversParentTypes['Absence'] = ResolversParentTypes['Absence']> = ResolversObject<{
  end?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  hoursMissed?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  justified?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  parentsShouldJustify?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  reasons?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  settled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  start?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type CalendarFeedResolvers<ContextType = VieScolaireContext, ParentType extends ResolversParentTypes['CalendarFeed'] = ResolversParentTypes['CalendarFeed']> = ResolversObject<{
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  pupilId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  url?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type ClassResolvers<ContextType = VieScolaireContext, ParentType extends ResolversParentTypes['Class'] = ResolversParentTypes['Class'], FederationReferenceType extends FederationReferenceTypes['Class'] = FederationReferenceTypes['Class']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Class']> | FederationReferenceType, FederationReferenceType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lessonContents?: Resolver<Maybe<Array<ResolversTypes['LessonContent']>>, ParentType, ContextType, Partial<ClassLessonContentsArgs>>;
}>;

export type GradeResolvers<ContextType = VieScolaireContext, ParentType extends ResolversParentTypes['Grade'] = ResolversParentTypes['Grade']> = ResolversObject<{
  bonus?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  classAverage?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  classMax?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  classMin?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  coefficient?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  comment?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  date?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  optional?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  outOf?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  periodId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  scaleTo20?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  subject?: Resolver<ResolversTypes['VsSubject'], ParentType, ContextType>;
  value?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
}>;

export type HomeworkResolvers<ContextType = VieScolaireContext, ParentType extends ResolversParentTypes['Homework'] = ResolversParentTypes['Homework']> = ResolversObject<{
  attachments?: Resolver<Array<ResolversTypes['VsAttachment']>, ParentType, ContextType>;
  descriptionHtml?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  done?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  dueOn?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  givenOn?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  returnKind?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  subject?: Resolver<ResolversTypes['VsSubject'], ParentType, ContextType>;
  submitted?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type HomeworkSubmissionResolvers<ContextType = VieScolaireContext, ParentType extends ResolversParentTypes['HomeworkSubmission'] = ResolversParentTypes['HomeworkSubmission']> = ResolversObject<{
  fileName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  homeworkId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  state?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  submittedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type JustificationResolvers<ContextType = VieScolaireContext, ParentType extends ResolversParentTypes['Justification'] = ResolversParentTypes['Justification']> = ResolversObject<{
  absenceId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  attachmentName?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  comment?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  state?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  submittedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type LatenessResolvers<ContextType = VieScolaireContext, ParentType extends ResolversParentTypes['Lateness'] = ResolversParentTypes['Lateness']> = ResolversObject<{
  at?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  justified?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  minutes?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type LessonResolvers<ContextType = VieScolaireContext, ParentType extends ResolversParentTypes['Lesson'] = ResolversParentTypes['Lesson']> = ResolversObject<{
  canceled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  end?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  exempted?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  groups?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  rooms?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  start?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  subject?: Resolver<ResolversTypes['VsSubject'], ParentType, ContextType>;
  teachers?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  test?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type LessonContentResolvers<ContextType = VieScolaireContext, ParentType extends ResolversParentTypes['LessonContent'] = ResolversParentTypes['LessonContent']> = ResolversObject<{
  category?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  descriptionHtml?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  files?: Resolver<Array<ResolversTypes['VsAttachment']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  start?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  subject?: Resolver<ResolversTypes['VsSubject'], ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = VieScolaireContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  createCalendarFeed?: Resolver<Maybe<ResolversTypes['CalendarFeed']>, ParentType, ContextType, Partial<MutationCreateCalendarFeedArgs>>;
  justifyAbsence?: Resolver<Maybe<ResolversTypes['Justification']>, ParentType, ContextType, RequireFields<MutationJustifyAbsenceArgs, 'input'>>;
  revokeCalendarFeed?: Resolver<Maybe<ResolversTypes['Boolean']>, ParentType, ContextType, RequireFields<MutationRevokeCalendarFeedArgs, 'id'>>;
  setHomeworkDone?: Resolver<Maybe<ResolversTypes['Boolean']>, ParentType, ContextType, RequireFields<MutationSetHomeworkDoneArgs, 'done' | 'homeworkId'>>;
  submitHomework?: Resolver<Maybe<ResolversTypes['HomeworkSubmission']>, ParentType, ContextType, RequireFields<MutationSubmitHomeworkArgs, 'file' | 'homeworkId'>>;
}>;

export type PeriodResolvers<ContextType = VieScolaireContext, ParentType extends ResolversParentTypes['Period'] = ResolversParentTypes['Period']> = ResolversObject<{
  end?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  start?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type PeriodAveragesResolvers<ContextType = VieScolaireContext, ParentType extends ResolversParentTypes['PeriodAverages'] = ResolversParentTypes['PeriodAverages']> = ResolversObject<{
  overall?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  periodId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  subjects?: Resolver<Array<ResolversTypes['SubjectAverage']>, ParentType, ContextType>;
}>;

export type PunishmentResolvers<ContextType = VieScolaireContext, ParentType extends ResolversParentTypes['Punishment'] = ResolversParentTypes['Punishment']> = ResolversObject<{
  date?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  durationMinutes?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  givenBy?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  reasons?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = VieScolaireContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  myCalendarFeeds?: Resolver<Maybe<Array<ResolversTypes['CalendarFeed']>>, ParentType, ContextType>;
}>;

export type StudentResolvers<ContextType = VieScolaireContext, ParentType extends ResolversParentTypes['Student'] = ResolversParentTypes['Student'], FederationReferenceType extends FederationReferenceTypes['Student'] = FederationReferenceTypes['Student']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Student']> | FederationReferenceType, FederationReferenceType, ContextType>;
  absences?: Resolver<Maybe<Array<ResolversTypes['Absence']>>, ParentType, ContextType, Partial<StudentAbsencesArgs>>;
  averages?: Resolver<Maybe<ResolversTypes['PeriodAverages']>, ParentType, ContextType, Partial<StudentAveragesArgs>>;
  grades?: Resolver<Maybe<Array<ResolversTypes['Grade']>>, ParentType, ContextType, Partial<StudentGradesArgs>>;
  homework?: Resolver<Maybe<Array<ResolversTypes['Homework']>>, ParentType, ContextType, Partial<StudentHomeworkArgs>>;
  homeworkSubmissions?: Resolver<Maybe<Array<ResolversTypes['HomeworkSubmission']>>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  justifications?: Resolver<Maybe<Array<ResolversTypes['Justification']>>, ParentType, ContextType>;
  lateness?: Resolver<Maybe<Array<ResolversTypes['Lateness']>>, ParentType, ContextType, Partial<StudentLatenessArgs>>;
  periods?: Resolver<Maybe<Array<ResolversTypes['Period']>>, ParentType, ContextType>;
  punishments?: Resolver<Maybe<Array<ResolversTypes['Punishment']>>, ParentType, ContextType, Partial<StudentPunishmentsArgs>>;
  timetable?: Resolver<Maybe<Array<ResolversTypes['Lesson']>>, ParentType, ContextType, Partial<StudentTimetableArgs>>;
}>;

export type SubjectAverageResolvers<ContextType = VieScolaireContext, ParentType extends ResolversParentTypes['SubjectAverage'] = ResolversParentTypes['SubjectAverage']> = ResolversObject<{
  average?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  classAverage?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  counted?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  subject?: Resolver<ResolversTypes['VsSubject'], ParentType, ContextType>;
}>;

export type VsAttachmentResolvers<ContextType = VieScolaireContext, ParentType extends ResolversParentTypes['VsAttachment'] = ResolversParentTypes['VsAttachment']> = ResolversObject<{
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type VsSubjectResolvers<ContextType = VieScolaireContext, ParentType extends ResolversParentTypes['VsSubject'] = ResolversParentTypes['VsSubject']> = ResolversObject<{
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  label?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = VieScolaireContext> = ResolversObject<{
  Absence?: AbsenceResolvers<ContextType>;
  CalendarFeed?: CalendarFeedResolvers<ContextType>;
  Class?: ClassResolvers<ContextType>;
  Grade?: GradeResolvers<ContextType>;
  Homework?: HomeworkResolvers<ContextType>;
  HomeworkSubmission?: HomeworkSubmissionResolvers<ContextType>;
  Justification?: JustificationResolvers<ContextType>;
  Lateness?: LatenessResolvers<ContextType>;
  Lesson?: LessonResolvers<ContextType>;
  LessonContent?: LessonContentResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Period?: PeriodResolvers<ContextType>;
  PeriodAverages?: PeriodAveragesResolvers<ContextType>;
  Punishment?: PunishmentResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Student?: StudentResolvers<ContextType>;
  SubjectAverage?: SubjectAverageResolvers<ContextType>;
  VsAttachment?: VsAttachmentResolvers<ContextType>;
  VsSubject?: VsSubjectResolvers<ContextType>;
}>;

export type DirectiveResolvers<ContextType = VieScolaireContext> = ResolversObject<{
  auditSubject?: AuditSubjectDirectiveResolver<any, any, ContextType>;
  cacheControl?: CacheControlDirectiveResolver<any, any, ContextType>;
}>;
