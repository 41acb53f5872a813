// The AES envelope codec: PHP-exact urlencode, AES-128-CBC/PKCS7 with node:crypto, Base64.
// Reproduces the known-answer vectors in shared/vectors byte for byte (see test/unit/codec.test.ts).
import { isAscii, isUtf8 } from 'node:buffer';
import { createCipheriv, createDecipheriv, createHash, createSecretKey, type KeyObject } from 'node:crypto';

// PHP's urlencode works on bytes: every byte of the UTF-8 text but A-Z a-z 0-9 - _ . becomes %XX (upper-case hex)
// and a space becomes '+'. Done here over the bytes with a table, because encodeURIComponent (which also leaves
// ! ~ * ' ( ) alone and writes %20) plus fix-ups cost more than the cipher itself on Chinese text.
const KEEP = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.') KEEP[c.charCodeAt(0)] = 1;
const HEX = Buffer.from('0123456789ABCDEF');
const HEX_VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i += 1) {
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(i)] = i;
  HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;
}

/** PHP `urlencode` of the text's UTF-8 bytes, as ASCII bytes ready for the cipher. */
export function phpUrlencodeBytes(text: string): Buffer {
  const src = Buffer.from(text, 'utf8');
  const out = Buffer.allocUnsafe(src.length * 3);
  let o = 0;
  for (let i = 0; i < src.length; i += 1) {
    const b = src[i]!;
    if (KEEP[b]) out[o++] = b;
    else if (b === 0x20) out[o++] = 0x2b;
    else {
      out[o++] = 0x25;
      out[o++] = HEX[b >> 4]!;
      out[o++] = HEX[b & 15]!;
    }
  }
  return out.subarray(0, o);
}

/** PHP `urlencode`: what ECPay's own SDK applies to the JSON before AES. */
export function phpUrlencode(text: string): string {
  return phpUrlencodeBytes(text).toString('latin1');
}

/**
 * PHP `urldecode` of bytes: '+' is a space, %XX a byte, anything else (a stray '%' too) stays as it is. Well-formed
 * ASCII input, the usual case, goes through the platform's decodeURIComponent, which is faster; anything it would
 * refuse or misread (raw non-ASCII bytes, a stray '%', invalid UTF-8) goes through the byte loop below.
 */
export function phpUrldecodeBytes(src: Buffer): string {
  return phpUrldecodeChecked(src).text;
}

/** As phpUrldecodeBytes, and whether the decoded bytes were valid UTF-8 (else some became U+FFFD). */
export function phpUrldecodeChecked(src: Buffer): { text: string; wellFormed: boolean } {
  if (isAscii(src)) {
    try {
      return { text: decodeURIComponent(src.toString('latin1').replaceAll('+', ' ')), wellFormed: true };
    } catch {
      // fall through to PHP's lenient decoding
    }
  }
  return phpUrldecodeLoop(src);
}

function phpUrldecodeLoop(src: Buffer): { text: string; wellFormed: boolean } {
  const out = Buffer.allocUnsafe(src.length);
  let o = 0;
  for (let i = 0; i < src.length; i += 1) {
    const b = src[i]!;
    if (b === 0x2b) out[o++] = 0x20;
    else if (b === 0x25 && i + 2 < src.length && HEX_VALUE[src[i + 1]!]! >= 0 && HEX_VALUE[src[i + 2]!]! >= 0) {
      out[o++] = (HEX_VALUE[src[i + 1]!]! << 4) | HEX_VALUE[src[i + 2]!]!;
      i += 2;
    } else out[o++] = b;
  }
  const bytes = out.subarray(0, o);
  return { text: bytes.toString('utf8'), wellFormed: isUtf8(bytes) };
}

/** PHP `urldecode`: '+' is a space, then percent-decoding (a bare decodeURIComponent would keep the '+'). */
export function phpUrldecode(text: string): string {
  return phpUrldecodeBytes(Buffer.from(text, 'latin1'));
}

/** The two secrets, validated and held as a KeyObject and a Buffer that never print their contents. */
export interface AesKey {
  readonly key: KeyObject;
  readonly iv: Buffer;
}

/** HashKey and HashIV are used as their 16 ASCII bytes: no hex decoding, no hashing (ECPay's AES appendix). */
export function createAesKey(hashKey: string, hashIV: string): AesKey {
  const key = Buffer.from(hashKey, 'utf8');
  const iv = Buffer.from(hashIV, 'utf8');
  // Lengths only: the message must never quote the values.
  if (key.length !== 16) throw new RangeError(`hashKey must be 16 bytes (got ${key.length})`);
  if (iv.length !== 16) throw new RangeError(`hashIV must be 16 bytes (got ${iv.length})`);
  return { key: createSecretKey(key), iv };
}

/** AES-128-CBC with PKCS7 padding over raw bytes, Base64 out. The bare cipher, also the benchmark's baseline. */
export function aesEncrypt(aes: AesKey, plaintext: Buffer | string): string {
  const cipher = createCipheriv('aes-128-cbc', aes.key, aes.iv);
  return Buffer.concat([cipher.update(plaintext), cipher.final()]).toString('base64');
}

/** Base64 in, AES-128-CBC decrypt, PKCS7 unpad; throws on a wrong key (bad padding) or bad input. */
export function aesDecrypt(aes: AesKey, base64: string): Buffer {
  const decipher = createDecipheriv('aes-128-cbc', aes.key, aes.iv);
  return Buffer.concat([decipher.update(Buffer.from(base64, 'base64')), decipher.final()]);
}

/** Request direction: JSON text -> urlencode -> AES -> Base64. */
export function encryptData(aes: AesKey, json: string): string {
  return aesEncrypt(aes, phpUrlencodeBytes(json));
}

/** Response direction: Base64 -> AES -> urldecode -> JSON text (not yet parsed). */
export function decryptData(aes: AesKey, base64: string): string {
  return phpUrldecodeBytes(aesDecrypt(aes, base64));
}

/** As decryptData, and whether the text was valid UTF-8 (invalid bytes become U+FFFD, and the caller says so). */
export function decryptDataChecked(aes: AesKey, base64: string): { text: string; wellFormed: boolean } {
  return phpUrldecodeChecked(aesDecrypt(aes, base64));
}

/**
 * ECPay's CheckMacValue over a form (developers.ecpay.com.tw/?p=38242): the fields sorted by name, between
 * HashKey=... and HashIV=..., URL-encoded the .NET way (PHP urlencode, lower-cased, with ! * ( ) left as they are),
 * MD5, upper-case hex. A different encoder from the AES envelope's; used only for callbacks.
 */
export function checkMacValue(aes: AesKey, fields: Readonly<Record<string, string>>): string {
  const sorted = Object.keys(fields)
    .filter((k) => k !== 'CheckMacValue')
    .sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase(), 'en'))
    .map((k) => `${k}=${fields[k]}`);
  const text = [`HashKey=${aes.key.export().toString('utf8')}`, ...sorted, `HashIV=${aes.iv.toString('utf8')}`].join(
    '&',
  );
  const encoded = phpUrlencode(text)
    .toLowerCase()
    .replaceAll('%21', '!')
    .replaceAll('%2a', '*')
    .replaceAll('%28', '(')
    .replaceAll('%29', ')');
  return createHash('md5').update(encoded).digest('hex').toUpperCase();
}
