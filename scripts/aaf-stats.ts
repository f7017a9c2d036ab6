/**
 * `npm run -s aaf:stats -- DIR`: imports a folder of AAF files and prints one JSON object on stdout.
 * Rejected entries and broken files are listed on stderr, so stdout stays machine-readable.
 */
import { importAafDirectory } from '../connectors/directory/aaf/import.ts';
import { aafStats } from '../connectors/directory/aaf/stats.ts';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: npm run -s aaf:stats -- DIR\n');
  process.exit(2);
}
try {
  const { store, report } = await importAafDirectory(dir);
  for (const file of report.files.filter((f) => f.error)) process.stderr.write(`broken file: ${file.error}\n`);
  for (const r of report.rejections) process.stderr.write(`rejected: ${r.file}:${r.line} ${r.id ?? '(no id)'}: ${r.reason}\n`);
  process.stdout.write(`${JSON.stringify(aafStats(store, report))}\n`);
} catch (error) {
  process.stderr.write(`aaf:stats: ${(error as Error).message}\n`);
  process.exit(1);
}
