// The package entry: the client factory, the error tree, and the plaintext types of every operation (its payload,
// result and callback form; hey-api's own request shapes stay internal).
export { createEinvoiceClient, ENVIRONMENTS, STAGE_CREDENTIALS } from './client.ts';
export type { EinvoiceClient, EinvoiceClientConfig } from './client.ts';
// One operation at a time, for applications that bundle only what they call: `core.call(b2cIssue, payload)`.
export { createEinvoiceCore } from './core.ts';
export type { EinvoiceCore } from './core.ts';
export * from '../generated/operations/index.gen.ts';
export type { DebugEvent, RetryPolicy } from './transport.ts';
export type { PdfFile } from './document.ts';
export type { EinvoiceInterceptors, InterceptorInfo } from './observe.ts';
export type { CallOptions, EnvelopeResult, Operation, OperationSpec, ResponseEnvelope } from './operation.ts';
export type { EinvoiceCallbacks, EinvoiceOperations } from '../generated/operations.gen.ts';
export type { CallbackBody, CallbackNotice, CallbackSpec } from './callbacks.ts';
export type { RecoveryHint } from './recovery.ts';
export type { PagedOperation } from './paging.ts';
export type * from '../generated/types.gen.ts';
export {
  EcpayAbortError,
  EcpayBusinessError,
  EcpayCallbackError,
  EcpayConfigError,
  EcpayConnectionError,
  EcpayEnvelopeError,
  EcpayError,
  EcpayHttpError,
  EcpayMismatchError,
  EcpayResponseError,
  EcpayTimeoutError,
  EcpayUnexpectedShapeError,
  EcpayValidationError,
} from './errors.ts';
export type { ValidationIssue } from './errors.ts';
