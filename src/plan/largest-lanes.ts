import type { Lane, LaneList } from './plan.ts';

/**
 * The `count` lanes with the most notes, ties by id. Lanes are ranked by note count first and
 * a Lane is made only for one that may enter the top: making all hundred thousand lanes of a
 * 1M-note plan to rank them put 25 MB on the heap at the end of `plan`.
 */
export function largestLanes(lanes: LaneList, count: number): Lane[] {
  const byNotes = (a: Lane, b: Lane): number => b.notes.length - a.notes.length || (a.id < b.id ? -1 : 1);
  const top: Lane[] = [];
  for (let index = 0; index < lanes.length; index++) {
    const last = top[count - 1];
    if (last !== undefined && lanes.noteCount(index) < last.notes.length) continue;
    const lane = lanes.at(index);
    if (lane === undefined || (last !== undefined && byNotes(lane, last) >= 0)) continue;
    top.push(lane);
    top.sort(byNotes);
    if (top.length > count) top.pop();
  }
  return top;
}
