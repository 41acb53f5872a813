// The one place that knows the envelope: what wraps a plaintext payload on the way out, and how an answer is read
// on the way back (TransCode, then decryption, then RtnCode against the operation's success codes, then the typed
// result).
import { decryptDataChecked, encryptData, type AesKey } from './codec.ts';
import {
  EcpayBusinessError,
  EcpayEnvelopeError,
  EcpayMismatchError,
  EcpayResponseError,
  EcpayUnexpectedShapeError,
  clip,
  type ErrorContext,
  type ValidationIssue,
} from './errors.ts';
import { checkResult, normaliseResult, withOutcome } from './normalise.ts';
import { dig, isRecord, quote } from './schema.ts';
import type { OperationSpec, ResponseEnvelope } from './operation.ts';

export interface OutgoingCall {
  merchantId: string;
  platformId?: string;
  revision: string;
  rqId?: string;
}

/**
 * Encrypts the prepared payload (MerchantID already first: the order ECPay's own examples and the vectors use) once
 * per call, and gives the JSON body of an attempt for its timestamp: only RqHeader.Timestamp changes between
 * attempts, so a retry is never stale and nothing else is rebuilt.
 */
export function sealEnvelope(
  aes: AesKey,
  call: OutgoingCall,
  body: Record<string, unknown>,
): (timestampSeconds: number) => string {
  const data = encryptData(aes, JSON.stringify(body));
  // Written out rather than JSON.stringify of nested objects, in ECPay's key order. Data is Base64, whose alphabet
  // JSON never escapes, so it is quoted as it is.
  const platform = call.platformId ? `"PlatformID":${JSON.stringify(call.platformId)},` : '';
  const rqId = call.rqId ? `,"RqID":${JSON.stringify(call.rqId)}` : '';
  const head = `{${platform}"MerchantID":${JSON.stringify(call.merchantId)},"RqHeader":{"Timestamp":`;
  const tail = `,"Revision":${JSON.stringify(call.revision)}${rqId}},"Data":"${data}"}`;
  return (timestampSeconds) => head + timestampSeconds + tail;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const TAIPEI_OFFSET_SECONDS = 8 * 3600; // UTC+8 all year: Taiwan has no daylight saving time.

/** yyyy-MM-dd in Taiwan of a Unix time in seconds. */
const taipeiDate = (seconds: number) => new Date((seconds + TAIPEI_OFFSET_SECONDS) * 1000).toISOString().slice(0, 10);
/** ECPay writes some numbers as strings ("1"); judge them by their value. */
const asNumber = (v: unknown) => (typeof v === 'string' && /^-?\d{1,15}$/.test(v) ? Number(v) : v);
/** ...and some strings as numbers (the .NET SDK types MerchantID as a number). */
const asString = (v: unknown) => (typeof v === 'number' ? String(v) : v);

/**
 * Checks the outer answer and decrypts its Data. `nowSeconds` is our clock when the answer arrived (for the skew
 * estimate). Throws EcpayEnvelopeError or EcpayResponseError.
 */
export function openEnvelope(
  aes: AesKey,
  bodyText: string,
  nowSeconds: number,
  context: ErrorContext,
  answer?: OperationSpec['answer'],
): { envelope: ResponseEnvelope; data: Record<string, unknown>; wellFormed: boolean } {
  // After a 2xx, an unreadable answer leaves us not knowing whether ECPay acted.
  const unsure = { ...context, outcomeUnknown: true };
  let outer: unknown;
  try {
    outer = JSON.parse(bodyText);
  } catch (cause) {
    throw new EcpayResponseError(`the response is not JSON (it starts with "${clip(bodyText.slice(0, 40), 60)}")`, {
      ...unsure,
      cause,
    });
  }
  if (!isRecord(outer)) {
    throw new EcpayResponseError('the response is not a JSON object', unsure);
  }
  const raw = outer as Record<string, unknown>;
  const transCode = asNumber(raw.TransCode);
  if (typeof transCode !== 'number') throw new EcpayResponseError('the response has no numeric TransCode', unsure);
  const envelope: ResponseEnvelope = { TransCode: transCode };
  const merchantId = asString(raw.MerchantID);
  const platformId = asString(raw.PlatformID);
  if (typeof merchantId === 'string') envelope.MerchantID = merchantId;
  if (typeof platformId === 'string') envelope.PlatformID = platformId;
  if (typeof raw.TransMsg === 'string') envelope.TransMsg = raw.TransMsg;
  const serverTime = asNumber((raw.RpHeader as { Timestamp?: unknown } | undefined)?.Timestamp);
  if (raw.RpHeader && typeof raw.RpHeader === 'object') {
    envelope.RpHeader = typeof serverTime === 'number' ? { Timestamp: serverTime } : {};
  }

  if (transCode !== 1) {
    const skew = typeof serverTime === 'number' ? serverTime - nowSeconds : undefined;
    throw new EcpayEnvelopeError(transCode, envelope.TransMsg ?? '', envelope, skew, context);
  }
  // Some operations answer with Data as plain JSON although their page says AES (GetIssueList on stage): both are read.
  if (answer === 'plain' && isRecord(raw.Data)) {
    return { envelope, data: raw.Data, wellFormed: true };
  }
  if (typeof raw.Data !== 'string' || raw.Data === '') {
    throw new EcpayResponseError('TransCode is 1 but the response has no Data', unsure);
  }
  if (raw.Data.length % 4 !== 0 || !BASE64.test(raw.Data)) {
    throw new EcpayResponseError('Data is not Base64', unsure);
  }
  let json: string;
  let wellFormed: boolean;
  try {
    ({ text: json, wellFormed } = decryptDataChecked(aes, raw.Data));
  } catch (cause) {
    // Bad padding almost always means another key: never say which key, only that it did not fit.
    throw new EcpayResponseError(
      'Data could not be decrypted (wrong HashKey/HashIV for this merchant, or corrupted Data)',
      { ...unsure, cause },
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (cause) {
    throw new EcpayResponseError('Data decrypted to something that is not JSON', { ...unsure, cause });
  }
  if (!isRecord(data)) {
    throw new EcpayResponseError('Data decrypted to JSON that is not an object', unsure);
  }
  return { envelope, data, wellFormed };
}

/**
 * Judges the decrypted Data: RtnCode against the operation's success codes (EcpayBusinessError otherwise), then the
 * typed result. After a success nothing turns into a plain failure: a result that breaks its declared types raises
 * EcpayUnexpectedShapeError, which says the operation succeeded and carries the data.
 */
export function judgeResult(
  op: OperationSpec,
  data: Record<string, unknown>,
  sent: Record<string, unknown>,
  envelope: ResponseEnvelope,
  context: ErrorContext,
  nowSeconds: number,
): { result: Record<string, unknown>; warnings: ValidationIssue[] } {
  // Keys in another case and numbers as strings are read first, so that "rtncode": "1" is judged as RtnCode 1.
  const result = normaliseResult(op.result, data);
  const rtnCode = result.RtnCode;
  if (typeof rtnCode !== 'number')
    throw new EcpayResponseError('the decrypted Data has no numeric RtnCode', { ...context, outcomeUnknown: true });
  const succeeded = op.successCodes.includes(rtnCode);
  // An answer that names another request than ours (cross-talk, misrouting) says nothing about ours.
  const mismatch = echoMismatch(op.echo, result, sent);
  if (mismatch)
    throw new EcpayMismatchError(
      mismatch,
      rtnCode,
      data,
      envelope,
      { ...context, outcomeUnknown: !succeeded },
      succeeded,
    );
  if (!succeeded) {
    throw new EcpayBusinessError(
      rtnCode,
      typeof result.RtnMsg === 'string' ? result.RtnMsg : '',
      data,
      envelope,
      context,
    );
  }
  if (op.answer === 'pdf') {
    const message = '(answer): a success without the document; a document operation succeeds with the file itself';
    throw new EcpayUnexpectedShapeError(data, [{ field: '(answer)', rule: 'pdf', message }], envelope, context);
  }
  const read = withOutcome(op.outcomes, result);
  if (op.recordsDate && read[op.recordsDate] === undefined)
    read[op.recordsDate] = taipeiDate(envelope.RpHeader?.Timestamp ?? nowSeconds);
  const { problems, warnings } = checkResult(op.result, read, op.formats);
  if (op.outcomes && read.outcome === undefined) {
    const known = op.outcomes.map((o) => o.outcome).join(', ');
    const message = `outcome: the answer matches none of the documented outcomes (${known})`;
    problems.splice(0, problems.length, ...problems.filter((p) => p.field !== 'outcome'), {
      field: 'outcome',
      rule: 'outcomes',
      message,
    });
  }
  if (problems.length) throw new EcpayUnexpectedShapeError(data, problems, envelope, context);
  return { result: read, warnings };
}

/** The first result field that echoes a request field with another value (compared as text, ignoring case). */
function echoMismatch(
  echo: OperationSpec['echo'],
  result: Record<string, unknown>,
  sent: Record<string, unknown>,
): { field: string; sent: string; answered: string } | undefined {
  for (const [field, from] of Object.entries(echo ?? {})) {
    const answered = dig(result, field);
    const asked = dig(sent, from);
    // Only what both sides state: ECPay leaves echoes empty on failure, and an optional request field may be absent.
    if (answered === undefined || answered === null || answered === '' || asked === undefined) continue;
    // An echo is text or a number; anything else (a list, an object, however deep) is not this request's echo.
    const text = typeof answered === 'string' || typeof answered === 'number' ? String(answered) : undefined;
    if (text === undefined || text.toLowerCase() !== String(asked).toLowerCase())
      return { field, sent: String(asked), answered: text ?? quote(answered) };
  }
  return undefined;
}
