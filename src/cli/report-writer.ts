/** Writes RUN/report.html at the end of a training run; loaded lazily so training never needs the chart libraries. */
export async function reportWriter(runDir: string): Promise<string> {
  const { writeReport } = await import('../report/index.js');
  return writeReport([runDir], runDir);
}
