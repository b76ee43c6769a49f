/**
 * Request bytes held in memory at once, across lanes: a body with attachments is the file, its
 * base64 and the JSON around it, about 3.5 times the file. Eight lanes each sending a 10 MB file
 * held 530 MB (bench figure 11c); a take waits until the bytes in flight leave room. A request
 * larger than the whole budget goes alone rather than never.
 */
export class ByteBudget {
  private used = 0;
  private readonly waiting: { readonly bytes: number; readonly go: () => void }[] = [];

  constructor(private readonly capacity: number) {}

  /** Waits for room for `bytes`; the function it gives back returns them. */
  async take(bytes: number): Promise<() => void> {
    const need = Math.min(Math.max(0, bytes), this.capacity);
    if (this.waiting.length > 0 || this.used + need > this.capacity) {
      await new Promise<void>((go) => this.waiting.push({ bytes: need, go }));
    } else {
      this.used += need;
    }
    let returned = false;
    return () => {
      if (returned) return;
      returned = true;
      this.used -= need;
      this.wake();
    };
  }

  /** First come, first served: a big request is not passed over by small ones for ever. */
  private wake(): void {
    for (let next = this.waiting[0]; next !== undefined && this.used + next.bytes <= this.capacity; next = this.waiting[0]) {
      this.waiting.shift();
      this.used += next.bytes;
      next.go();
    }
  }
}
