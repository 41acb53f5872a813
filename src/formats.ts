// Named formats, one implementation each, usable by any string field of the spec (`format: <name>`). Each says
// what it expects in words a user can act on, and why a value failed when that helps (an impossible date, a
// Gregorian year where ECPay wants a Republic-era one, a tax ID whose checksum is wrong).

export interface Format {
  /** What the field expects, as a message puts it: "must be <expects>". */
  expects: string;
  /** Undefined when the value is valid, else the reason (may be empty: `expects` says it all). */
  problem(value: string): string | undefined;
}

const DATE = /^(\d{4})([-/])(\d{2})\2(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2}))?$/;

/** An impossible calendar date or time, or undefined. */
function impossible(m: RegExpExecArray): string | undefined {
  const [year, month, day] = [Number(m[1]), Number(m[3]), Number(m[4])];
  if (month < 1 || month > 12) return `there is no month ${m[3]}`;
  const days = [
    31,
    year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ][month - 1]!;
  if (day < 1 || day > days) return `${m[1]}-${m[3]} has no day ${m[4]}`;
  if (m[5] !== undefined && (Number(m[5]) > 23 || Number(m[6]) > 59 || Number(m[7]) > 59))
    return `${m[5]}:${m[6]}:${m[7]} is not a time`;
  return undefined;
}

const regex = (re: RegExp, expects: string): Format => ({ expects, problem: (v) => (re.test(v) ? undefined : '') });

/** Taiwan business ID (統一編號): 8 digits whose weighted digit sum is divisible by 5 (the rule since 2023, which
 * accepts every number the older divisible-by-10 rule did); when the 7th digit is 7, its product 28 may count as 1
 * or 0, so a sum one short passes too. */
function isTaiwanBusinessId(value: string): boolean {
  if (!/^\d{8}$/.test(value)) return false;
  const weights = [1, 2, 1, 2, 1, 2, 4, 1];
  let sum = 0;
  for (let i = 0; i < 8; i += 1) {
    const p = Number(value[i]) * weights[i]!;
    sum += Math.floor(p / 10) + (p % 10);
  }
  return sum % 5 === 0 || (value[6] === '7' && (sum + 1) % 5 === 0);
}

const EMAIL = /^[^\s@;,]+@[^\s@;,]+\.[^\s@;,]+$/;

/** The formats a schema may name, by name: what the validator is handed for an operation (only the ones it uses). */
export type Formats = Readonly<Record<string, Format>>;

// One export per format, so that an operation module imports the ones its schemas name and a bundler drops the rest
// (the calls are marked pure for that). The names are the spec's format names in camelCase (codegen relies on it).
export const ecpayDate: Format = {
  expects: 'a date yyyy-MM-dd (or yyyy/MM/dd), optionally followed by a time HH:mm:ss',
  problem(v) {
    const m = DATE.exec(v);
    return m ? impossible(m) : '';
  },
};
export const ecpayDateTime: Format = {
  expects: 'a date and time yyyy-MM-dd HH:mm:ss (or yyyy/MM/dd HH:mm:ss)',
  problem(v) {
    const m = DATE.exec(v);
    return m && m[5] !== undefined ? impossible(m) : '';
  },
};
export const rocYear: Format = {
  expects: 'a Republic-era (民國) year of 3 digits, e.g. 113 for 2024',
  problem(v) {
    if (/^\d{3}$/.test(v)) return undefined;
    const year = /^\d{4}$/.test(v) ? Number(v) : NaN;
    return year > 1911
      ? `${v} is a Gregorian year; the Republic-era year is ${String(year - 1911).padStart(3, '0')}`
      : '';
  },
};
export const twBusinessId: Format = {
  expects: 'a Taiwan business ID (統一編號): 8 digits with a valid checksum',
  problem: (v) => (isTaiwanBusinessId(v) ? undefined : /^\d{8}$/.test(v) ? 'its checksum is wrong' : ''),
};
export const invoiceNumber = /* @__PURE__ */ regex(
  /^[A-Z]{2}\d{8}$/,
  'an invoice number: 2 upper-case letters and 8 digits, e.g. AB12345678',
);
export const mobileBarcode = /* @__PURE__ */ regex(
  /^\/[0-9A-Z+\-.]{7}$/,
  'a mobile barcode carrier: "/" and 7 characters of 0-9 A-Z + - .',
);
export const citizenCertificate = /* @__PURE__ */ regex(
  /^[A-Z]{2}\d{14}$/,
  'a citizen digital certificate carrier: 2 upper-case letters and 14 digits',
);
export const loveCode = /* @__PURE__ */ regex(/^\d{3,7}$/, 'a love code (捐贈碼) of 3 to 7 digits');
export const email = /* @__PURE__ */ regex(EMAIL, 'an e-mail address');
export const emails: Format = {
  expects: 'e-mail addresses separated by ";"',
  problem: (v) => (v.split(';').every((a) => EMAIL.test(a.trim())) ? undefined : ''),
};

/** Every format, by its spec name: what the normaliser accepts in a schema. */
export const FORMATS: Formats = {
  'ecpay-date': ecpayDate,
  'ecpay-date-time': ecpayDateTime,
  'roc-year': rocYear,
  'tw-business-id': twBusinessId,
  'invoice-number': invoiceNumber,
  'mobile-barcode': mobileBarcode,
  'citizen-certificate': citizenCertificate,
  'love-code': loveCode,
  email,
  emails,
};
