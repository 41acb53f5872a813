// ECPay's answers repeat some request fields (x-ecpay-echo); a canned answer must do the same to be an answer to the
// request a test sent. Written independently of the client's check and of the mock's proxy.
import { get } from './cases.ts';

/** The result with each echoed field that the result fills set to the sent request's value. */
export function echoing(
  op: any,
  sent: Record<string, unknown>,
  result: Record<string, unknown>,
): Record<string, unknown> {
  const out = structuredClone(result);
  for (const [field, from] of Object.entries<string>(op['x-ecpay-echo'] ?? {})) {
    const path = field.split('.');
    const holder = get(out, path.slice(0, -1));
    const value = get(sent, from.split('.'));
    if (holder && value !== undefined && holder[path.at(-1)!] !== undefined && holder[path.at(-1)!] !== '')
      holder[path.at(-1)!] = value;
  }
  return out;
}
