import { XmlFileSeries } from '../../../lib/xml-file-series.ts';
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
    `<addRequest>\n${operational(category)}\n` + `<identifier><id>${escapeXml(id)}</id></identifier>\n<attributes>\n${attrs}\n</attributes>\n</addRequest>\n`
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
  readonly #series = new Map<AafCategory, XmlFileSeries>();

  constructor(
    readonly dir: string,
    readonly options: { prefix: string; date: string; maxPerFile: number },
  ) {}

  get files(): string[] {
    return [...this.#series.values()].flatMap((s) => s.files);
  }

  async add(category: AafCategory, id: string, attributes: AafAttributes): Promise<void> {
    let series = this.#series.get(category);
    if (!series) {
      series = new XmlFileSeries({
        dir: this.dir,
        fileName: (index) => `${this.options.prefix}_Complet_${this.options.date}_${category}_${String(index).padStart(4, '0')}.xml`,
        header: HEADER,
        footer: FOOTER,
        maxEntriesPerFile: this.options.maxPerFile,
      });
      this.#series.set(category, series);
    }
    await series.add(addRequestXml(category, id, attributes));
  }

  async close(): Promise<void> {
    await Promise.all([...this.#series.values()].map((s) => s.close()));
  }
}
