import DataLoader from 'dataloader';
import type { Directory } from '../../connectors/directory/directory.ts';
import type { Mef, Person, School, Subject } from '../../connectors/directory/model.ts';
import type { Viewer } from '../../lib/viewer-context.ts';
import { Perimeter, type PerimeterOptions } from '../perimeter/perimeter.ts';

/** Per-request state: loaders batch every lookup of one request into one directory call per kind. */
export interface DirectoryContext {
  viewer: Viewer;
  requestId: string;
  perimeter: Perimeter;
  directory: Directory;
  people: DataLoader<string, Person | undefined>;
  schoolsById: DataLoader<string, School | undefined>;
  schoolsByUai: DataLoader<string, School | undefined>;
  subjects: DataLoader<string, Subject | undefined>;
  mefs: DataLoader<string, Mef | undefined>;
}

export function createDirectoryContext(directory: Directory, options: PerimeterOptions, request: { viewer: Viewer; requestId: string }): DirectoryContext {
  const loader = <V>(load: (keys: readonly string[]) => Promise<(V | undefined)[]>) => new DataLoader<string, V | undefined>(load);
  return {
    ...request,
    directory,
    perimeter: new Perimeter(request.viewer, directory, options),
    people: loader((ids) => directory.people(ids)),
    schoolsById: loader((ids) => directory.schoolsById(ids)),
    schoolsByUai: loader((uais) => directory.schoolsByUai(uais)),
    subjects: loader((codes) => directory.subjects(codes)),
    mefs: loader((codes) => directory.mefs(codes)),
  };
}
