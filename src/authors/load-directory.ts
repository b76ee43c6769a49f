import type { ImportConfig } from '../config/load.ts';
import type { HelpScoutClient } from '../helpscout/client.ts';
import { UserDirectory } from './user-directory.ts';
import { readUserMap } from './user-map.ts';

/**
 * The authors → users directory of a run or a plan: `source.userMap` (bad rows: exit 2 with
 * file:line) and, with a client and `target.users: "match-email"`, every page of List Users
 * (one GET per 50 users). Without a client (offline plan) only the user map matches.
 */
export async function loadUserDirectory(config: ImportConfig, client: HelpScoutClient | undefined): Promise<UserDirectory> {
  const userMap = config.source.userMap === undefined ? new Map<string, number>() : readUserMap(config.source.userMap);
  const lookUp = client !== undefined && (config.target.users === 'match-email' || userMap.size > 0);
  const users = lookUp ? await client.listUsers() : undefined;
  return new UserDirectory(userMap, users, config.target.users === 'match-email');
}
