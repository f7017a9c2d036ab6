import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AafCategory, AafEntry, AafRejectedEntry } from './entry.ts';
import { AafFileError, parseAafFile, type AafParseEvent } from './parse.ts';
import { AafStore, type ApplyResult } from './store.ts';

export interface AafFileReport {
  file: string;
  entries: number;
  rejected: number;
  /** Set when the file itself is broken (not well-formed XML); entries before the fault were kept. */
  error?: string;
  /** Why the file was not applied (already applied, older than what was): nothing of it was read. */
  skipped?: string;
}

/** What identifies a file to a target that remembers what it applied. */
export interface AafFileIdentity {
  name: string;
  /** SHA-256 of the content: the same name with other content is another file. */
  sha256: string;
  /** `yyyyMMdd` and category from the name, when it follows the AAF naming. */
  day?: string;
  category?: string;
}

export interface AafImportReport {
  files: AafFileReport[];
  appliedEntries: number;
  rejectedEntries: number;
  /** The first rejections, with file, line and id, for the operator to fix at the source. */
  rejections: AafRejectedEntry[];
  /**
   * Entries a full export left out, removed after it (a pupil who left, a link that ended): only
   * with a target that keeps entries across imports (PostgreSQL).
   */
  removedEntries?: number;
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

/** Where an import applies its entries: the in-memory AafStore, or the directory in PostgreSQL. */
export interface AafImportTarget {
  /**
   * Runs the import of one file: `work` applies the file's entries through `apply`, in file order,
   * a batch at a time, and gets each entry's result in the same order. A target may make the file
   * one transaction (PostgreSQL): `work` returns normally even when the file breaks midway, so what
   * came before the fault is kept, as in memory.
   */
  importFile(work: (apply: (entries: readonly AafEntry[]) => Promise<ApplyResult[]>) => Promise<void>, file: AafFileIdentity): Promise<void>;
  /**
   * Why not to apply this file (a target that keeps its entries across imports: it was applied
   * already, or it is older than what was applied for its category); undefined to apply it.
   */
  skipReason?(file: AafFileIdentity): Promise<string | undefined>;
  /** Entries applied per call of `apply`. */
  readonly batchSize: number;
  /**
   * After a full export of a category (all its `Complet` files of one day, none broken): removes the
   * entries of that category the export did not name, returning how many. A target that starts
   * empty at every import (in memory) has nothing to remove and leaves this out.
   */
  removeAbsent?(category: AafCategory, named: ReadonlySet<string>): Promise<number>;
}

/**
 * The full exports of a folder, per day and category (`Complet_20260901_Eleve_0000.xml`,
 * `…_0001.xml`): how many files each has, so the import knows when one is complete.
 */
function fullExportGroups(files: readonly string[]): Map<string, { count: number; complete: boolean }> {
  const parts = new Map<string, number[]>();
  for (const name of files) {
    const m = AAF_FILE.exec(name);
    if (m?.[1] === 'Complet') parts.set(`${m[2]}|${m[3]}`, [...(parts.get(`${m[2]}|${m[3]}`) ?? []), Number(m[4])]);
  }
  // Parts numbered from 0000 without a gap: a delivery missing one part is not a full export, and
  // removes nobody (it would remove everyone the missing part names).
  return new Map(
    [...parts].map(([group, numbers]) => {
      const sorted = [...numbers].sort((a, b) => a - b);
      return [group, { count: numbers.length, complete: sorted.every((n, i) => n === i) }];
    }),
  );
}

/** The in-memory store as an import target: one entry at a time, nothing to commit. */
export const memoryTarget = (store: AafStore): AafImportTarget => ({
  batchSize: 1,
  importFile: (work) => work(async (entries) => entries.map((entry) => store.apply(entry))),
});

/** Imports every AAF file of a folder into `store` (a new one by default). Never throws for bad data. */
export async function importAafDirectory(dir: string, store = new AafStore()): Promise<{ store: AafStore; report: AafImportReport }> {
  return { store, report: await importAafFolder(dir, memoryTarget(store)) };
}

/**
 * Imports every AAF file of a folder, in AAF order, into `target`. Never throws for bad data: a
 * rejected entry is counted and listed (file, line, id, reason) and the import goes on; a broken
 * file is reported with its line. Entries and rejections are reported in file order, whatever
 * the target's batch size.
 */
export async function importAafFolder(dir: string, target: AafImportTarget): Promise<AafImportReport> {
  const report: AafImportReport = { files: [], appliedEntries: 0, rejectedEntries: 0, rejections: [] };
  const reject = (fileReport: AafFileReport, rejected: AafRejectedEntry) => {
    fileReport.rejected++;
    report.rejectedEntries++;
    if (report.rejections.length < MAX_LISTED_REJECTIONS) report.rejections.push(rejected);
  };
  const files = aafFileOrder(await readdir(dir));
  // A full export is the whole truth for its categories: what it does not name has left. Only a
  // complete one removes anything: a broken file, or a full export naming nobody, removes nothing.
  const groups = fullExportGroups(files);
  const named = new Map<string, { left: number; broken: boolean; ids: Map<AafCategory, Set<string>> }>();
  for (const [group, { count, complete }] of groups) named.set(group, { left: count, broken: !complete, ids: new Map() });
  for (const name of files) {
    const fileReport: AafFileReport = { file: name, entries: 0, rejected: 0 };
    report.files.push(fileReport);
    const m = AAF_FILE.exec(name);
    const identity: AafFileIdentity = { name, sha256: target.skipReason ? await sha256Of(join(dir, name)) : '', day: m?.[2], category: m?.[3] };
    const skipped = await target.skipReason?.(identity);
    if (skipped) {
      fileReport.skipped = skipped;
      // Part of a full export not applied now: that export removes nobody in this run.
      const group = m?.[1] === 'Complet' ? named.get(`${m[2]}|${m[3]}`) : undefined;
      if (group) group.broken = true;
      continue;
    }
    const full = m?.[1] === 'Complet' && target.removeAbsent ? named.get(`${m[2]}|${m[3]}`) : undefined;
    /** Every entry a full export names counts as present, even one rejected (its earlier version stays). */
    const present = (category: AafCategory | undefined, id: string | undefined) => {
      if (!full || !category || !id) return;
      let ids = full.ids.get(category);
      if (!ids) full.ids.set(category, (ids = new Set()));
      ids.add(id);
    };
    await target.importFile(async (apply) => {
      // Parse rejections wait with the batch, so that the report lists everything in file order.
      let pending: AafParseEvent[] = [];
      let entries = 0;
      // One batch is written while the next one is parsed (the database and the parser each keep a
      // core busy); batches are applied one after the other, in file order.
      let writing: Promise<void> = Promise.resolve();
      const applyBatch = async (batch: AafParseEvent[]) => {
        const results = await apply(batch.flatMap((event) => (event.kind === 'entry' ? [event.entry] : [])));
        let next = 0;
        for (const event of batch) {
          if (event.kind === 'rejected') {
            reject(fileReport, event.rejected);
            continue;
          }
          const { entry } = event;
          const result = results[next++]!;
          if (result.ok) {
            fileReport.entries++;
            report.appliedEntries++;
          } else reject(fileReport, { file: entry.file, line: entry.line, id: entry.id, reason: result.reason });
        }
      };
      const flush = async () => {
        const batch = pending;
        pending = [];
        entries = 0;
        await writing;
        writing = applyBatch(batch);
        // Awaited at the next flush; marked handled now so that a failure in between is not "unhandled".
        writing.catch(() => undefined);
      };
      try {
        for await (const event of parseAafFile(join(dir, name))) {
          if (event.kind === 'entry') present(event.entry.category, event.entry.id);
          else present(event.rejected.category, event.rejected.id);
          pending.push(event);
          if (event.kind === 'entry' && ++entries >= target.batchSize) await flush();
        }
      } catch (error) {
        if (!(error instanceof AafFileError)) throw error;
        fileReport.error = error.message;
      }
      await flush();
      await writing;
    }, identity);
    if (full) {
      full.broken ||= fileReport.error !== undefined;
      if (--full.left === 0 && !full.broken) {
        for (const [category, ids] of full.ids) {
          const removed = await target.removeAbsent!(category, ids);
          if (removed) report.removedEntries = (report.removedEntries ?? 0) + removed;
        }
      }
    }
  }
  return report;
}

/** The SHA-256 of a file, streamed (a full export is hundreds of MB). */
async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}
