/**
 * `--sample N`'s seed. Fixed, so every verify of one import checks the same conversations: a
 * sample that failed is checked again after the fix, and two people get the same answer.
 */
export const SAMPLE_SEED = 0x5eed_c0de;

/**
 * N of the conversations (indexes into `ids`, ascending): those whose ids hash lowest under the
 * seed. A hash of the id, not of the log's order, so the sample does not move when a delta
 * lands more notes, and a conversation once sampled stays sampled as N grows.
 */
export function sampleConversations(ids: Float64Array, n: number, seed = SAMPLE_SEED): Int32Array {
  const all = Int32Array.from(ids.keys());
  if (n >= ids.length) return all;
  const hashes = Uint32Array.from(ids, (id) => hashId(id, seed));
  all.sort((a, b) => (hashes[a] ?? 0) - (hashes[b] ?? 0) || a - b);
  return all.subarray(0, n).sort();
}

/** murmur3's 32-bit finaliser over the id's two 32-bit halves, mixed with the seed. */
function hashId(id: number, seed: number): number {
  let h = (seed ^ (id >>> 0)) >>> 0;
  h = fmix(h);
  h = fmix((h ^ Math.floor(id / 2 ** 32)) >>> 0);
  return h;
}

function fmix(value: number): number {
  let h = value;
  h = Math.imul(h ^ (h >>> 16), 0x85eb_ca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2_ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
