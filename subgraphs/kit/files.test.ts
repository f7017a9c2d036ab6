import { describe, expect, it } from 'vitest';
import { minimalDocx, minimalOdt, zipOf } from '../../test/helpers/zip.ts';
import { checkedFile, DOCUMENT_TYPES, OFFICE_TYPES, MAX_FILE_BYTES } from './files.ts';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const ODT = 'application/vnd.oasis.opendocument.text';
const file = (contentType: string, bytes: Buffer) => ({ name: 'devoir', contentType, base64: bytes.toString('base64') });
/** What the pupil sees of a refusal: the GraphQL error's code and message. */
const refusal = async (check: () => unknown) => {
  try {
    await check();
  } catch (error) {
    return { code: (error as { extensions?: { code?: string } }).extensions?.code, message: (error as Error).message };
  }
  return undefined;
};

describe('files handed in through the graph', () => {
  it('accepts a real DOCX and a real ODT as what they say they are', async () => {
    expect(await checkedFile(file(DOCX, minimalDocx()), OFFICE_TYPES)).toMatchObject({ contentType: DOCX, base64: minimalDocx().toString('base64') });
    expect(await checkedFile(file(ODT, minimalOdt()), OFFICE_TYPES)).toMatchObject({ contentType: ODT });
  });

  it('refuses any other ZIP sent as DOCX or ODT, as a file of the wrong type', async () => {
    const archive = zipOf({ 'notes.txt': 'not a document', 'run.sh': '#!/bin/sh' });
    for (const type of [DOCX, ODT]) {
      expect(await refusal(() => checkedFile(file(type, archive), OFFICE_TYPES))).toEqual({
        code: 'BAD_USER_INPUT',
        message: `the file's content is not ${type}`,
      });
    }
    // Nor does a DOCX pass as an ODT.
    expect(await refusal(() => checkedFile(file(ODT, minimalDocx()), OFFICE_TYPES))).toEqual({
      code: 'BAD_USER_INPUT',
      message: `the file's content is not ${ODT}`,
    });
  });

  it('keeps the allowed list and the size limit', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n');
    expect(await checkedFile(file('application/pdf', pdf), DOCUMENT_TYPES)).toMatchObject({ contentType: 'application/pdf' });
    expect(await refusal(() => checkedFile(file(DOCX, minimalDocx()), DOCUMENT_TYPES))).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('are not accepted here'),
    });
    const tooBig = Buffer.concat([pdf, Buffer.alloc(MAX_FILE_BYTES)]);
    expect(await refusal(() => checkedFile(file('application/pdf', tooBig), DOCUMENT_TYPES))).toEqual({
      code: 'BAD_USER_INPUT',
      message: `the file is larger than ${MAX_FILE_BYTES} bytes`,
    });
    expect(await refusal(() => checkedFile(file('image/png', pdf), OFFICE_TYPES))).toEqual({
      code: 'BAD_USER_INPUT',
      message: "the file's content is not image/png",
    });
  });
});
