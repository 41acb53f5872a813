// A document operation's answer (DownloadB2BPdf): on success ECPay sends the file itself, not an envelope; a failure
// still comes as an envelope. Carried by the operations that have one (OperationSpec.readDocument), so that an
// application calling none of them bundles none of this.

/** What a document operation (DownloadB2BPdf) resolves to on success. */
export interface PdfFile {
  /** The answer's Content-Type, normally application/pdf. */
  contentType: string;
  /** The file's bytes. */
  bytes: Uint8Array;
  /** From Content-Disposition, when ECPay names the file. */
  fileName?: string;
}

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46]; // %PDF

/** The file of a 2xx answer that is a PDF (by its Content-Type or its first bytes); undefined for an envelope. */
export function readPdf(response: Response, bytes: Uint8Array): PdfFile | undefined {
  const type = response.headers.get('content-type');
  if (!/pdf/i.test(type ?? '') && !PDF_MAGIC.every((b, i) => bytes[i] === b)) return undefined;
  const fileName = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(response.headers.get('content-disposition') ?? '')?.[1];
  return {
    contentType: type ?? 'application/pdf',
    bytes,
    ...(fileName ? { fileName: safeDecode(fileName) } : {}),
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
