import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';

export interface XmlFileSeriesOptions {
  dir: string;
  /** The file name of the index-th file (0-based). */
  fileName(index: number): string;
  /** Written at the top of every file (XML declaration and the root's opening tag). */
  header: string;
  /** Written at the end of every file (the root's closing tag). */
  footer: string;
  /** Entries per file; the next entry opens the next file. */
  maxEntriesPerFile: number;
  /** Write one (empty) file even when no entry came: receivers expect every file of an export. */
  atLeastOneFile?: boolean;
}

/**
 * A series of XML files with one root each, split every `maxEntriesPerFile` entries, written as a
 * stream (with back-pressure): exports of any size go to disk without being held in memory.
 */
export class XmlFileSeries {
  readonly files: string[] = [];
  #stream: WriteStream | undefined;
  #count = 0;
  entries = 0;

  constructor(private readonly options: XmlFileSeriesOptions) {}

  #open(): WriteStream {
    const name = this.options.fileName(this.files.length);
    this.files.push(name);
    const stream = createWriteStream(join(this.options.dir, name));
    stream.write(this.options.header);
    this.#stream = stream;
    this.#count = 0;
    return stream;
  }

  async add(entryXml: string): Promise<void> {
    if (!this.#stream || this.#count >= this.options.maxEntriesPerFile) {
      await this.#closeCurrent();
      this.#open();
    }
    this.#count++;
    this.entries++;
    const stream = this.#stream!;
    if (!stream.write(entryXml)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
  }

  async close(): Promise<void> {
    if (this.options.atLeastOneFile && this.files.length === 0) this.#open();
    await this.#closeCurrent();
  }

  async #closeCurrent(): Promise<void> {
    const stream = this.#stream;
    this.#stream = undefined;
    if (!stream) return;
    await new Promise<void>((resolve, reject) => {
      stream.once('error', reject);
      stream.end(this.options.footer, () => resolve());
    });
  }
}
