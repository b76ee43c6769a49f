/** Time source, injectable so rate-limit windows and token expiry are testable without sleeping. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
