import type { Directory } from '../../connectors/directory/directory.ts';
import type { Logger } from '../../lib/logger.ts';
import type { HubDatabase } from '../../store/database.ts';
import type { AuditStore } from '../../store/journal/event.ts';
import type { DataExportConfig } from '../../store/privacy/config.ts';
import { DataExportStore } from '../../store/privacy/data-exports.ts';
import { DataExportWorker } from '../../store/privacy/export-worker.ts';
import { storePersonalDataSources, type PersonalDataSource } from '../../store/privacy/personal-data.ts';
import type { DataExportService } from './context.ts';

/**
 * The person's record in the académie's directory, as the hub reads it (AAF import or LDAP). For a
 * guardian asking about their child, the child's links to adults are cut to the guardian's own: the
 * other adults linked to the child are not theirs to see (the perimeter hides them too).
 */
export const directoryRecordSource = (directory: Pick<Directory, 'people'>): PersonalDataSource => ({
  kind: 'directoryRecord',
  collect: async (personId, requestedBy) => {
    const record = (await directory.people([personId]))[0];
    if (!record) return null;
    if (requestedBy === personId || record.kind !== 'student') return record;
    return { ...record, guardians: record.guardians.filter((link) => link.adultId === requestedBy) };
  },
});

/** Every kind of data about a person this hub keeps or reads: the store's tables and the directory's record. */
export const personalDataSources = (database: HubDatabase, directory: Pick<Directory, 'people'>): PersonalDataSource[] => [
  directoryRecordSource(directory),
  ...storePersonalDataSources(database),
];

/**
 * The right of access as one identity subgraph process runs it: the requests' store, and a worker
 * producing them (every instance runs one; each request is produced once). Stop it before the database.
 */
export function startDataExports(options: {
  database: HubDatabase;
  directory: Directory;
  journal: Pick<AuditStore, 'append'>;
  config: DataExportConfig;
  log: Logger;
  pollMs?: number;
}): DataExportService & { worker: DataExportWorker; stop(): Promise<void> } {
  const store = new DataExportStore(options.database);
  const worker = new DataExportWorker({
    exports: store,
    sources: personalDataSources(options.database, options.directory),
    journal: options.journal,
    keepMs: options.config.keepMs,
    pollMs: options.pollMs,
    log: options.log,
  });
  worker.start();
  return { store, config: options.config, wake: () => worker.wake(), worker, stop: () => worker.stop() };
}
