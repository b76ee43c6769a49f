/** The CLI's two streams: reports and summaries on stdout, progress, notices and errors on stderr. */
export const out = (line: string): void => {
  process.stdout.write(line + '\n');
};

export const err = (line: string): void => {
  process.stderr.write(line + '\n');
};

// A reader that went away (`hs-import status | head`) must not crash the process, least of all
// mid-import: the lines are dropped, the work and its report files go on.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}
