/**
 * Errors classified by the reaction they need (Singer SDK style). Every class has a stable
 * `code`; the CLI maps classes to exit codes, delivery maps them to retries or rejects.
 */
export abstract class HsImportError extends Error {
  abstract readonly code: string;
  override get name(): string {
    return this.constructor.name;
  }
}

/** Bad configuration or unusable input file: exit 2 before any network call. */
export class ConfigError extends HsImportError {
  readonly code = 'config_invalid';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

/** One input row cannot be imported: it becomes a reject, the run goes on. */
export class InputError extends HsImportError {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Try again later: 429, 5xx, network. `retryAfterMs` is the server's word when it gave one. */
export class RetriableError extends HsImportError {
  constructor(
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
    /** true when a write may have been stored before the failure (reset, timeout, 5xx). */
    readonly maybeCommitted = false,
  ) {
    super(message);
  }
}

/** The conversation answered 404 on a write: it may have been merged (GET tells). */
export class ConversationMovedError extends HsImportError {
  readonly code = 'conversation_moved';
  constructor(readonly conversationId: number) {
    super(`conversation ${String(conversationId)} answered 404 (merged or deleted)`);
  }
}

/** 412: either the 100-thread limit or the "too old" company policy; GET tells them apart. */
export class PreconditionError extends HsImportError {
  readonly code = 'precondition_failed';
  constructor(
    readonly conversationId: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** 413: the request body is larger than the gateway takes; nothing was stored. */
export class RequestTooLargeError extends HsImportError {
  readonly code = 'request_too_large';
  constructor(readonly bytes: number) {
    super(`request of ${String(bytes)} bytes refused with 413`);
  }
}

/** 4xx that will not change on retry: the note or conversation is rejected with the API's words. */
export class ApiRejectedError extends HsImportError {
  readonly code = 'api_rejected';
  constructor(
    readonly status: number,
    message: string,
    readonly details: readonly { path?: string; message?: string }[] = [],
  ) {
    super(message);
  }
}

/** Stop the whole run: auth, lock, disk, a broken API contract. Exit 3. */
export class FatalError extends HsImportError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
