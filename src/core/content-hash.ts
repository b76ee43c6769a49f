/**
 * A note's content as imported, in 4 bytes: FNV-1a over its date and text. A delta compares it
 * with what an earlier run sent to tell a note edited at the source since (`changed_since_import`).
 * 0 is kept for "not known" (an older checkpoint): a real hash of 0 is moved to 1.
 */
export function contentHash(epoch: number, text: string): number {
  let hash = 0x811c9dc5;
  const mix = (unit: number): void => {
    hash ^= unit;
    hash = Math.imul(hash, 0x01000193);
  };
  const date = String(epoch);
  for (let i = 0; i < date.length; i++) mix(date.charCodeAt(i));
  mix(0x0a);
  for (let i = 0; i < text.length; i++) mix(text.charCodeAt(i));
  return hash >>> 0 || 1;
}
