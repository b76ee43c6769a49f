/** The CLI's two streams: reports and summaries on stdout, progress, notices and errors on stderr. */
export const out = (line: string): void => {
  process.stdout.write(line + '\n');
};

export const err = (line: string): void => {
  process.stderr.write(line + '\n');
};
