import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { escapeMarkup as escapeXml } from '../../../lib/markup.ts';
import type { AafAttributes, AafCategory } from './entry.ts';

const CATEGORY_ATTRIBUTE: Record<AafCategory, string> = {
  Eleve: 'categoriePersonne',
  PersEducNat: 'categoriePersonne',
  PersRelEleve: 'categoriePersonne',
  EtabEducNat: 'categorieStructure',
  MefEducNat: 'categorieMef',
  MatiereEducNat: 'categorieMatiere',
};


/** One `addRequest` in the real layout (one attribute a line, as the académies export them). */
export function addRequestXml(category: AafCategory, id: string, attributes: AafAttributes): string {
  const attrs = Object.entries(attributes)
    .map(([name, values]) => {
      const body = values.length ? values.map((v) => `<value>${escapeXml(v)}</value>`).join('') : '<value/>';
      return `<attr name="${escapeXml(name)}">${body}</attr>`;
    })
    .join('\n');
  return (
    `<addRequest>\n${operational(category)}\n` +
    `<identifier><id>${escapeXml(id)}</id></identifier>\n<attributes>\n${attrs}\n</attributes>\n</addRequest>\n`
  );
}

const operational = (category: AafCategory) =>
  `<operationalAttributes><attr name="${CATEGORY_ATTRIBUTE[category]}"><value>${category}</value></attr></operationalAttributes>`;

/** A delta's `modifyRequest`: each named attribute's values are replaced (the only AAF operation). */
export function modifyRequestXml(category: AafCategory, id: string, replace: AafAttributes): string {
  const modifications = Object.entries(replace)
    .map(([name, values]) => {
      const body = values.length ? values.map((v) => `<value>${escapeXml(v)}</value>`).join('') : '<value/>';
      return `<modification name="${escapeXml(name)}" operation="replace">${body}</modification>`;
    })
    .join('\n');
  return `<modifyRequest>\n${operational(category)}\n<identifier><id>${escapeXml(id)}</id></identifier>\n<modifications>\n${modifications}\n</modifications>\n</modifyRequest>\n`;
}

export function deleteRequestXml(category: AafCategory, id: string): string {
  return `<deleteRequest>\n${operational(category)}\n<identifier><id>${escapeXml(id)}</id></identifier>\n</deleteRequest>\n`;
}

/** A whole `ficAlimMENESR` document around already-rendered requests. */
export function aafDocument(requests: string[]): string {
  return HEADER + requests.join('') + FOOTER;
}

const HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE ficAlimMENESR SYSTEM "ficAlimMENESR.dtd">\n<ficAlimMENESR>\n';
const FOOTER = '</ficAlimMENESR>\n';

/**
 * Writes a full ("Complet") AAF export, one file series per category, split every `maxPerFile`
 * entries and named `{prefix}_Complet_{yyyyMMdd}_{Category}_{NNNN}.xml`. Writes stream to disk.
 */
export class AafExportWriter {
  readonly #open = new Map<AafCategory, { stream: WriteStream; count: number; index: number }>();
  readonly files: string[] = [];

  constructor(
    readonly dir: string,
    readonly options: { prefix: string; date: string; maxPerFile: number },
  ) {}

  async add(category: AafCategory, id: string, attributes: AafAttributes): Promise<void> {
    let current = this.#open.get(category);
    if (current && current.count >= this.options.maxPerFile) {
      await this.#close(current.stream);
      current = { stream: this.#file(category, current.index + 1), count: 0, index: current.index + 1 };
      this.#open.set(category, current);
    }
    if (!current) {
      current = { stream: this.#file(category, 0), count: 0, index: 0 };
      this.#open.set(category, current);
    }
    current.count++;
    if (!current.stream.write(addRequestXml(category, id, attributes))) {
      await new Promise<void>((resolve) => current.stream.once('drain', () => resolve()));
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#open.values()].map((f) => this.#close(f.stream)));
    this.#open.clear();
  }

  #file(category: AafCategory, index: number): WriteStream {
    const name = `${this.options.prefix}_Complet_${this.options.date}_${category}_${String(index).padStart(4, '0')}.xml`;
    this.files.push(name);
    const stream = createWriteStream(join(this.dir, name));
    stream.write(HEADER);
    return stream;
  }

  #close(stream: WriteStream): Promise<void> {
    return new Promise((resolve, reject) => stream.end(FOOTER, () => resolve()).once('error', reject));
  }
}
