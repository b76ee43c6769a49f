import { DEMO_CREDENTIAL, startSimulator, type RunningSimulator } from '../../simulator/index.ts';

/** `hs-import simulate [--port N] [--seed file]`: the embedded Help Scout, standalone. */
export async function simulateCommand(
  opts: { port: number; seedPath?: string },
  print: (line: string) => void,
): Promise<RunningSimulator> {
  const simulator = await startSimulator(opts.seedPath === undefined ? { port: opts.port } : { port: opts.port, seedPath: opts.seedPath });
  print(`Help Scout simulator listening on ${simulator.url}`);
  const { credentials } = simulator.state.config;
  const onlyDemo =
    credentials.length === 1 &&
    credentials[0]?.appId === DEMO_CREDENTIAL.appId &&
    credentials[0].appSecret === DEMO_CREDENTIAL.appSecret;
  // Only the public demo pair is ever printed; a seed's own secrets are not.
  if (onlyDemo) {
    print(`HELPSCOUT_APP_ID=${DEMO_CREDENTIAL.appId}`);
    print(`HELPSCOUT_APP_SECRET=${DEMO_CREDENTIAL.appSecret}`);
  } else {
    print('credentials from seed file');
  }
  print(`state and counters: ${simulator.url}/__sim/state`);
  return simulator;
}
