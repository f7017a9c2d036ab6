import { fileTypeFromBuffer } from 'file-type';
import { GraphQLError } from 'graphql';
import { hasHiddenCharacters } from '../../lib/text.ts';

/** What a file sent through the graph may weigh (decoded). The router's body limit allows for it. */
export const MAX_FILE_BYTES = 1_000_000;

/*
 * Files people send through the graph (a justification's scan, homework, a message's attachment),
 * as base64 in a `FileInput`. Content types accepted are the caller's list; the content is sniffed
 * (file-type reads the bytes, and opens a ZIP container to tell a DOCX or an ODT from any other
 * archive), never taken from what the client declares.
 */

/** A scan or a photo: what a justification carries. */
export const DOCUMENT_TYPES: readonly string[] = ['application/pdf', 'image/png', 'image/jpeg'];
/** Documents and office files: homework, a message's attachments. */
export const OFFICE_TYPES: readonly string[] = [
  ...DOCUMENT_TYPES,
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.oasis.opendocument.text',
];

/** A file whose size, name and content were checked. */
export interface CheckedFile {
  name: string;
  contentType: string;
  base64: string;
}

const bad = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

/** Checks a file's size and that its content is what its type says; returns it ready to send upstream. */
export async function checkedFile(file: { name: string; contentType: string; base64: string }, allowed: readonly string[]): Promise<CheckedFile> {
  if (hasHiddenCharacters(file.name)) throw bad('the file name holds characters that are not text (control or invisible characters)');
  let name = file.name.trim().replace(/[/\\]/g, '_').slice(0, 200);
  if (!name) throw bad('the file needs a name');
  if (!allowed.includes(file.contentType)) throw bad(`files of type ${file.contentType} are not accepted here (accepted: ${allowed.join(', ')})`);
  // Refuse before decoding anything too large (base64 is 4/3 of the bytes).
  if (file.base64.length > Math.ceil((MAX_FILE_BYTES * 4) / 3) + 4) throw bad(`the file is larger than ${MAX_FILE_BYTES} bytes`);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(file.base64)) throw bad('the file content is not base64');
  const bytes = Buffer.from(file.base64, 'base64');
  if (bytes.length === 0) throw bad('the file is empty');
  if (bytes.length > MAX_FILE_BYTES) throw bad(`the file is larger than ${MAX_FILE_BYTES} bytes`);
  const detected = await fileTypeFromBuffer(bytes);
  if (detected?.mime !== file.contentType) throw bad(`the file's content is not ${file.contentType}`);
  // The name ends as its checked content: a PDF named `.html` is saved and opened as a PDF.
  const extensions = detected.ext === 'jpg' ? ['jpg', 'jpeg'] : [detected.ext];
  if (!extensions.some((ext) => name.toLowerCase().endsWith(`.${ext}`))) name = `${name}.${detected.ext}`;
  return { name, contentType: file.contentType, base64: file.base64 };
}
