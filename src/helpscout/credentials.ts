/** App credentials. `toJSON`/inspect hide the secret so it cannot leak through a log or report. */
export class Credentials {
  readonly #secret: string;
  constructor(
    readonly appId: string,
    appSecret: string,
  ) {
    this.#secret = appSecret;
  }
  get secret(): string {
    return this.#secret;
  }
  toJSON(): { appId: string } {
    return { appId: this.appId };
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Credentials(${this.appId}, secret hidden)`;
  }
}
