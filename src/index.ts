/**
 * hs-import as a library: the same pipeline the CLI runs. This file is the package's public
 * face (`import { planImport } from 'hs-import'`); everything else under src/ is internal.
 */
export { loadConfig, validateConfig, type ImportConfig, type RateBudget } from './config/load.ts';
export { planImport, type PlanImportOptions, type PlanResult, type Estimate } from './pipeline/plan-import.ts';
export { runImport, type RunOptions, type RunResult, type RunProgress } from './pipeline/run-import.ts';
export { importStatus, type ImportStatus, type KindStatus } from './pipeline/status.ts';
export { verifyImport, type VerifyOptions, type VerifyResult, type VerifyProgress } from './verify/verify-import.ts';
export type { MissingNote, DuplicatedNote, UnverifiableNote, UnmatchedThread, VerdictCounts } from './verify/verdicts.ts';
export { startSimulator, DEMO_CREDENTIAL, type SimulatorOptions, type RunningSimulator, type SeedFile, type StateDump } from './simulator/index.ts';
export type { NoteResult } from './pipeline/results.ts';
export type { LandedNote } from './checkpoint/landed.ts';
export type { RequestEvent, ClientStats } from './helpscout/client.ts';
export type { Reject, RejectReason, Origin } from './core/reject.ts';
export type { SourceNote } from './readers/source-note.ts';
export type { NoteDraft } from './mapper/note-draft.ts';
export type { Plan, Step, Lane, PlanCounts } from './plan/plan.ts';
export * from './core/errors.ts';
