import { dropIndex, loadIndex, saveIndex, type SavedIndex } from '../checkpoint/index-file.ts';
import { SpoolWriter } from '../checkpoint/spool.ts';
import type { ImportConfig } from '../config/load.ts';
import type { Fingerprints } from './fingerprints.ts';
import { indexSource } from './index-pass.ts';

/**
 * Pass 1, once per import: a resumed run plans from the index saved beside the spool (same
 * config, same input, same spool) instead of parsing the export again (DESIGN §6).
 */
export async function indexOnce(config: ImportConfig, fingerprints: Fingerprints, spoolPath: string, onRow: (rows: number) => void): Promise<{ indexed: SavedIndex; reused: boolean }> {
  const indexPath = `${config.checkpoint}.index`;
  const fingerprint = `${fingerprints.config}:${fingerprints.input}`;
  const saved = loadIndex(indexPath, fingerprint, spoolPath);
  if (saved) return { indexed: saved, reused: true };
  // An index must never outlive the spool it points into.
  dropIndex(indexPath);
  const indexed = await indexSource(config, new SpoolWriter(spoolPath), Date.now(), onRow);
  saveIndex(indexPath, fingerprint, spoolPath, indexed);
  return { indexed, reused: false };
}

