/** Documented in README and `--help`; tests outside this repo rely on them. */
export const EXIT = {
  ok: 0,
  /** Finished, but some notes were rejected or are still in doubt. */
  finishedWithRejects: 1,
  /** Bad config or input: nothing was sent. */
  badConfig: 2,
  /** Aborted: auth, lock, checkpoint unwritable, fatal API answer. */
  aborted: 3,
  /** Ctrl-C: in-flight requests finished, checkpoint flushed; run again to resume. */
  interrupted: 130,
} as const;
