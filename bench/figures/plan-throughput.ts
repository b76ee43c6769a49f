import { CONVERSATION_FIELD_ID, zendeskNdjson } from '../gen/zendesk-ndjson.ts';
import { profileChild, runChild, runCli, type Measured } from '../lib/children.ts';
import { figure, type Figure } from '../lib/figure.ts';
import { runDir, writeConfig } from '../lib/import-setup.ts';
import { cpu, cpuRatio, label, OFFLINE_TARGET, perSecond, rss, shuffledCanonical } from '../lib/measure.ts';
import type { Sizes } from '../lib/sizes.ts';
import { readMapFigures } from './read-map.ts';

/** What figures 1 and 2 read from the CLI's reports/plan.json. */
interface PlanReport {
  readonly rowsRead: number;
  readonly notesToImport: number;
  readonly rejected: number;
}
interface PlanOut {
  readonly notes: number;
  readonly rows: number;
  readonly rejects: number;
  readonly ms: number;
}

/** `hs-import plan` as shipped; its time is the whole process's, start-up included. */
async function planCli(config: string): Promise<Measured<PlanOut>> {
  const { out, child } = await runCli<PlanReport>('plan', config);
  return { out: { notes: out.notesToImport, rows: out.rowsRead, rejects: out.rejected, ms: child.wallMs }, child };
}

/**
 * Figures 1 and 2: read + map + plan (`hs-import plan`, compiled, as a user runs it) against bare
 * parsers on the same file, and the planning process's peak RSS from outside.
 */
export async function planFigures(sizes: Sizes, log: (line: string) => void): Promise<Figure[]> {
  const figures: Figure[] = [];
  const { csv, config: csvConfig } = csvPlan(sizes.csvNotes, 'plan-csv');
  log(`data: ${csv.csv} (${(csv.bytes / 1e6).toFixed(0)} MB, ${csv.notes} notes, ${csv.tickets} tickets, shuffled)${csv.fresh ? ' generated' : ' cached'}`);
  const bare = await runChild<{ rows: number; ms: number }>('csv-parse', [csv.csv]);
  log(`bare csv-parse: ${bare.out.rows} rows in ${(bare.out.ms / 1000).toFixed(1)} s (${cpu(bare)})`);
  figures.push(...(await readMapFigures(csv, bare, log)));
  const ours = await planCli(csvConfig);
  log(`plan: ${ours.out.notes} notes in ${(ours.out.ms / 1000).toFixed(1)} s (${cpu(ours)}), peak RSS ${rss(ours).toFixed(0)} MB`);
  if (ours.out.notes + ours.out.rejects !== bare.out.rows) throw new Error(`plan saw ${ours.out.notes} notes + ${ours.out.rejects} rejects, csv-parse ${bare.out.rows} rows`);
  const csvRate = perSecond(ours.out.notes, ours.out.ms);
  const csvFigure = figure({
    figure: `1a plan ${label(csv.notes)} canonical CSV notes`,
    value: csvRate,
    unit: 'notes/s',
    baseline: perSecond(bare.out.rows, bare.out.ms),
    goal: { on: 'ratio', atLeast: 0.7 },
    note: `baseline: bare csv-parse (columns: true) over the same ${(csv.bytes / 1e6).toFixed(0)} MB file; whole-process ${cpu(ours)} vs ${cpu(bare)} (CPU ratio ${cpuRatio(bare, ours)}, robust to machine load)`,
  });
  figures.push(await withProfile(csvFigure, () => csvPlan(PROFILE_NOTES, 'profile-csv').config, 'plan-csv', log));
  figures.push(
    figure({
      figure: `1b plan ${label(csv.notes)} canonical CSV peak RSS`,
      value: rss(ours),
      unit: 'MB',
      baseline: rss(bare),
      goal: { on: 'value', atMost: 256 },
      note: `measured from outside (${ours.child.rssSource}); baseline: bare csv-parse's peak RSS`,
    }),
  );

  const { zd, config: zdConfig } = zendeskPlan(sizes.zendeskTickets, 'plan-zendesk');
  log(`data: ${zd.ndjson} (${(zd.bytes / 1e6).toFixed(0)} MB, ${zd.tickets} tickets, ${zd.comments} comments)${zd.fresh ? ' generated' : ' cached'}`);
  const zdOurs = await planCli(zdConfig);
  log(`plan zendesk: ${zdOurs.out.notes} notes in ${(zdOurs.out.ms / 1000).toFixed(1)} s (${cpu(zdOurs)}), peak RSS ${rss(zdOurs).toFixed(0)} MB`);
  const zdBare = await runChild<{ tickets: number; comments: number; ms: number }>('ndjson-parse', [zd.ndjson]);
  log(`bare NDJSON JSON.parse: ${zdBare.out.comments} comments in ${(zdBare.out.ms / 1000).toFixed(1)} s (${cpu(zdBare)})`);
  const zdRate = perSecond(zdOurs.out.notes, zdOurs.out.ms);
  const zdFigure = figure({
    figure: `2a plan ${label(zd.tickets)}-ticket Zendesk NDJSON notes`,
    value: zdRate,
    unit: 'notes/s',
    baseline: csvRate,
    goal: { on: 'ratio', atLeast: 0.5 },
    note: `baseline: figure 1a (our CSV plan, same run); goal "within 2× of CSV"; ${(zd.bytes / 1e6).toFixed(0)} MB, ${zdOurs.out.notes} notes of ${zd.comments} comments; CPU per note vs CSV: ${cpuRatio(ours, zdOurs, csv.notes, zdOurs.out.notes)}`,
  });
  figures.push(await withProfile(zdFigure, () => zendeskPlan(PROFILE_NOTES / 4, 'profile-zendesk').config, 'plan-zendesk', log));
  figures.push(
    figure({
      figure: `2b plan ${label(zd.tickets)}-ticket Zendesk peak RSS`,
      value: rss(zdOurs),
      unit: 'MB',
      baseline: rss(zdBare),
      goal: { on: 'value', atMost: 256 },
      note: `measured from outside (${zdOurs.child.rssSource}); baseline: bare line split + JSON.parse's peak RSS`,
    }),
  );
  figures.push(
    figure({
      figure: `2c plan Zendesk vs bare JSON.parse`,
      value: zdRate,
      unit: 'notes/s',
      baseline: perSecond(zdBare.out.comments, zdBare.out.ms),
      goal: { on: 'none' },
      note: 'baseline: readline + JSON.parse of every ticket line, counting comments (the floor for any JSON reader)',
    }),
  );
  return figures;
}

/** Profiles run on a tenth of the full data: the same code paths, a tenth of the bench's time. */
const PROFILE_NOTES = 100_000;

function csvPlan(notes: number, dir: string): { csv: ReturnType<typeof shuffledCanonical>; config: string } {
  const csv = shuffledCanonical(notes);
  return { csv, config: writeConfig(runDir(dir), { format: 'csv', path: csv.csv }, OFFLINE_TARGET) };
}

function zendeskPlan(tickets: number, dir: string): { zd: ReturnType<typeof zendeskNdjson>; config: string } {
  const zd = zendeskNdjson({ name: `zendesk-${tickets}`, seed: 2, tickets, existingShare: 0.5 });
  const source = { format: 'zendesk', path: zd.ndjson, users: zd.users, conversationField: `custom_fields.${CONVERSATION_FIELD_ID}` };
  return { zd, config: writeConfig(runDir(dir), source, OFFLINE_TARGET) };
}

/** A missed throughput goal says where the time goes: a plan of smaller data of the same shape under --cpu-prof. */
async function withProfile(f: Figure, config: () => string, name: string, log: (line: string) => void): Promise<Figure> {
  if (f.pass) return f;
  const where = await profileChild('plan', [config()], name);
  log(`${f.figure} missed its goal; ${where}`);
  return { ...f, note: `${f.note}; where the time goes (--cpu-prof of a plan of ${PROFILE_NOTES / 1000}k notes' worth of the same shape): ${where}` };
}
