import { randomUUID } from 'node:crypto';
import type { SimResponse } from './respond.ts';

const ERRORS_DOC = 'http://developer.helpscout.net/mailbox-api/overview/errors';

/** Error codes documented on Help Scout's errors page; each is an anchor there. */
export type ErrorCode =
  | 'NotEmpty'
  | 'EnumValue'
  | 'MalformedDate'
  | 'InvalidNumber'
  | 'InvalidIdentifier'
  | 'Email'
  | 'Size'
  | 'NotNull'
  | 'Type';

export interface FieldError {
  path: string;
  message: string;
  code: ErrorCode;
  rejectedValue?: unknown;
}

let logRefSequence = 0;

/** `{logRef, message, _embedded.errors[], _links}` with Content-Type application/vnd.error+json. */
export function vndError(status: number, message: string, errors: readonly FieldError[] = [], anchor = ''): SimResponse {
  return {
    status,
    contentType: 'application/vnd.error+json',
    body: {
      // Real logRefs look like "a6ee3949-…#178323051".
      logRef: `${randomUUID()}#${++logRefSequence}`,
      message,
      _embedded: {
        errors: errors.map((e) => ({
          path: e.path,
          message: e.message,
          ...(e.rejectedValue === undefined ? {} : { rejectedValue: e.rejectedValue }),
          source: 'JSON',
          _links: { about: { href: `${ERRORS_DOC}#${e.code}` } },
        })),
      },
      _links: anchor === '' ? { about: { href: ERRORS_DOC } } : { self: { href: `${ERRORS_DOC}#${anchor}` } },
    },
  };
}

export const badRequest = (errors: readonly FieldError[]): SimResponse => vndError(400, 'Bad request', errors);

export const notFound = (message = 'Resource not found'): SimResponse => vndError(404, message);
