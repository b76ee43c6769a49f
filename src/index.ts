/** hs-import as a library: the same pipeline the CLI runs. */
export { loadConfig, validateConfig, type ImportConfig } from './config/load.ts';
export { planImport, type PlanImportOptions, type PlanResult, type Estimate } from './pipeline/plan-import.ts';
export { runImport, type RunOptions, type RunResult, type RunProgress } from './pipeline/run-import.ts';
export { importStatus, type ImportStatus } from './pipeline/status.ts';
export type { NoteResult } from './pipeline/results.ts';
export type { Reject, RejectReason, Origin } from './core/reject.ts';
export type { SourceNote } from './readers/source-note.ts';
export type { NoteDraft } from './mapper/note-draft.ts';
export type { Plan, Step, Lane } from './plan/plan.ts';
export * from './core/errors.ts';
