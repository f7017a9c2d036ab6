/** The Monday-morning mix: what guardians, pupils and teachers open first, on Monday 23 November 2026. */
export const BENCH_TODAY = '2026-11-23';

export const OPERATIONS = {
  guardian: {
    weight: 0.6,
    query: `query GuardianDashboard {
  viewer { children { id displayName
    timetable(from: "2026-11-23", to: "2026-11-23") { start end subject { label } canceled status rooms }
    grades { subject { label } value kind outOf coefficient date }
    homework(from: "2026-11-23", to: "2026-11-30") { dueOn subject { label } done }
    absences(from: "2026-10-24", to: "2026-11-23") { start justified parentsShouldJustify }
  } }
  myResources { resources { name } }
}`,
  },
  pupil: {
    weight: 0.3,
    query: `query PupilDashboard {
  me { ... on Student { displayName
    timetable(from: "2026-11-23", to: "2026-11-23") { start end subject { label } canceled status rooms teachers }
    grades { subject { label } value kind outOf date }
    homework(from: "2026-11-23", to: "2026-11-30") { dueOn subject { label } descriptionHtml done }
  } }
  myResources { school { name } resources { name accessUrl thumbnailUrl } }
}`,
  },
  teacher: {
    weight: 0.1,
    query: `query TeacherClassView($id: ID!) {
  class(id: $id) { code students { displayName birthDate } lessonContents(from: "2026-11-16", to: "2026-11-20") { start title } }
}`,
  },
} as const;

export type OperationKind = keyof typeof OPERATIONS;

/** One simulated person: their headers (a session token for (a), a signed viewer context for (b) and (c)). */
export interface BenchUser {
  kind: OperationKind;
  headers: Record<string, string>;
  variables?: Record<string, unknown>;
}
