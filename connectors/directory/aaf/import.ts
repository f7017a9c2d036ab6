import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AafRejectedEntry } from './entry.ts';
import { AafFileError, parseAafFile } from './parse.ts';
import { AafStore } from './store.ts';

export interface AafFileReport {
  file: string;
  entries: number;
  rejected: number;
  /** Set when the file itself is broken (not well-formed XML); entries before the fault were kept. */
  error?: string;
}

export interface AafImportReport {
  files: AafFileReport[];
  appliedEntries: number;
  rejectedEntries: number;
  /** The first rejections, with file, line and id, for the operator to fix at the source. */
  rejections: AafRejectedEntry[];
}

const MAX_LISTED_REJECTIONS = 1000;

/**
 * `{PREFIX}_{Complet|Delta}_{yyyyMMdd}_{Category}_{NNNN}.xml`, possibly with a prefix of its own
 * (the sample's `clean-`). Full exports are applied before deltas of the same day, older days first.
 */
const AAF_FILE = /(Complet|Delta)_(\d{8})_([A-Za-z]+)_(\d+)\.xml$/;

export function aafFileOrder(files: string[]): string[] {
  const key = (name: string) => {
    const m = AAF_FILE.exec(name);
    return m ? `${m[2]}-${m[1] === 'Complet' ? 0 : 1}-${m[3]}-${m[4]}` : `~${name}`;
  };
  return files.filter((f) => f.toLowerCase().endsWith('.xml')).sort((a, b) => key(a).localeCompare(key(b)));
}

/** Imports every AAF file of a folder into `store` (a new one by default). Never throws for bad data. */
export async function importAafDirectory(dir: string, store = new AafStore()): Promise<{ store: AafStore; report: AafImportReport }> {
  const report: AafImportReport = { files: [], appliedEntries: 0, rejectedEntries: 0, rejections: [] };
  const reject = (rejected: AafRejectedEntry) => {
    report.rejectedEntries++;
    if (report.rejections.length < MAX_LISTED_REJECTIONS) report.rejections.push(rejected);
  };
  for (const name of aafFileOrder(await readdir(dir))) {
    const fileReport: AafFileReport = { file: name, entries: 0, rejected: 0 };
    report.files.push(fileReport);
    try {
      for await (const event of parseAafFile(join(dir, name))) {
        if (event.kind === 'rejected') {
          fileReport.rejected++;
          reject(event.rejected);
          continue;
        }
        const { entry } = event;
        const result = store.apply(entry);
        if (result.ok) {
          fileReport.entries++;
          report.appliedEntries++;
        } else {
          fileReport.rejected++;
          reject({ file: entry.file, line: entry.line, id: entry.id, reason: result.reason });
        }
      }
    } catch (error) {
      if (!(error instanceof AafFileError)) throw error;
      fileReport.error = error.message;
    }
  }
  return { store, report };
}
