/** What the graph takes for a file: its name, type and bytes in base64 (`FileInput`). */
export interface FileUpload {
  name: string;
  contentType: string;
  base64: string;
}

/** The graph refuses larger files (1 MB): said before sending, in French. */
export const MAX_FILE_BYTES = 1024 * 1024;

export class FileTooLargeError extends Error {
  constructor(readonly file: File) {
    super(`Le fichier « ${file.name} » dépasse 1 Mo.`);
  }
}

/** Reads a chosen file for the graph, refusing one over the limit. */
export async function readFileUpload(file: File): Promise<FileUpload> {
  if (file.size > MAX_FILE_BYTES) throw new FileTooLargeError(file);
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { name: file.name, contentType: file.type || 'application/octet-stream', base64: btoa(binary) };
}
