import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { SaxesParser } from 'saxes';
import { categoryOf, type AafAttributes, type AafEntry, type AafOperation, type AafRejectedEntry } from './entry.ts';
import { HubError } from '../../../lib/errors.ts';

export type AafParseEvent = { kind: 'entry'; entry: AafEntry } | { kind: 'rejected'; rejected: AafRejectedEntry };

/** The file is not well-formed XML (or not an AAF file); what came before the fault was still read. */
export class AafFileError extends HubError {
  static override readonly code = 'ERR_AAF_FILE';
  constructor(
    readonly file: string,
    readonly line: number,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}:${line}: ${reason}`, options);
  }
}

const REQUESTS: Record<string, AafOperation> = { addRequest: 'add', modifyRequest: 'modify', deleteRequest: 'delete' };

interface PendingEntry {
  operation: AafOperation;
  line: number;
  category?: string;
  id?: string;
  attributes: AafAttributes;
  /** The `attr`/`modification` being read, and whether we are under operationalAttributes. */
  currentName?: string;
  inOperational: boolean;
  problem?: string;
}

/**
 * Streams the entries of one `ficAlimMENESR` file. The file is read in 64 KiB chunks and each entry
 * is yielded as soon as it closes, so memory holds one chunk's entries at most, whatever the size.
 *
 * Safe against XML attacks by construction: saxes never reads a DTD or an external entity, and it
 * refuses any entity that is not one of XML's five predefined ones (so no entity expansion bomb).
 */
export async function* parseAafFile(path: string): AsyncGenerator<AafParseEvent> {
  const file = basename(path);
  const parser = new SaxesParser({ position: true });
  const ready: AafParseEvent[] = [];
  let entry: PendingEntry | undefined;
  let text = '';
  let sawRoot = false;

  parser.on('opentag', (tag) => {
    const name = tag.name;
    // Without xmlns processing, saxes gives attribute values as plain strings.
    const attrs = tag.attributes as Record<string, string>;
    if (!sawRoot) {
      if (name !== 'ficAlimMENESR') throw new Error(`root element is <${name}>, expected <ficAlimMENESR>`);
      sawRoot = true;
      return;
    }
    const operation = REQUESTS[name];
    if (operation) {
      entry = { operation, line: parser.line, attributes: {}, inOperational: false };
      return;
    }
    if (!entry) return;
    text = '';
    if (name === 'operationalAttributes') entry.inOperational = true;
    else if (name === 'attr' || name === 'modification') {
      entry.currentName = attrs.name || undefined;
      if (name === 'modification' && attrs.operation !== 'replace') {
        entry.problem = `modification "${entry.currentName}" has operation "${attrs.operation}"; only "replace" exists`;
      }
      // An attribute listed with only empty values means "no value": it must still exist, so a
      // modifyRequest can clear it.
      if (entry.currentName && !entry.inOperational) entry.attributes[entry.currentName] ??= [];
    }
  });

  parser.on('text', (chunk) => {
    text += chunk;
  });

  parser.on('closetag', (tag) => {
    const name = tag.name;
    if (!entry) return;
    if (name === 'value') {
      const value = text.trim();
      text = '';
      if (!value || !entry.currentName) return;
      if (entry.inOperational) entry.category = value;
      else entry.attributes[entry.currentName]!.push(value);
    } else if (name === 'id') {
      entry.id = text.trim();
    } else if (name === 'operationalAttributes') {
      entry.inOperational = false;
    } else if (REQUESTS[name]) {
      ready.push(finish(entry, file));
      entry = undefined;
    }
  });

  const stream = createReadStream(path, { highWaterMark: 64 * 1024 });
  const decoder = new TextDecoder('utf-8');
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      parser.write(decoder.decode(chunk, { stream: true }));
      yield* ready.splice(0);
    }
    parser.write(decoder.decode());
    parser.close();
    if (!sawRoot) throw new Error('no <ficAlimMENESR> root element');
  } catch (error) {
    yield* ready.splice(0);
    stream.destroy();
    const reason = (error as Error).message.replace(/^[^:]*:\d+:\d+: /, '');
    throw new AafFileError(file, parser.line, reason, { cause: error });
  }
  yield* ready.splice(0);
}

function finish(pending: PendingEntry, file: string): AafParseEvent {
  const reject = (reason: string): AafParseEvent => ({
    kind: 'rejected',
    rejected: { file, line: pending.line, id: pending.id || undefined, category: categoryOf(pending.category), reason },
  });
  if (pending.problem) return reject(pending.problem);
  if (!pending.id) return reject('entry has no identifier');
  const category = categoryOf(pending.category);
  if (!category) return reject(`unknown category "${pending.category ?? ''}"`);
  if (pending.operation === 'add' && Object.keys(pending.attributes).length === 0) return reject('addRequest has no attributes');
  return {
    kind: 'entry',
    entry: { operation: pending.operation, category, id: pending.id, attributes: pending.attributes, file, line: pending.line },
  };
}
