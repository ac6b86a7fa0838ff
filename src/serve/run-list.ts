/** The most runs one /api/figures request may overlay; the dashboard shows far fewer at once. */
export const MAX_FIGURE_RUNS = 32;

/**
 * The `runs=` list of /api/figures, de-duplicated (first occurrence kept) and bounded, so that a
 * long query cannot make the server read and plot the same runs over and over.
 */
export function parseRunList(value: string | null): { ok: true; names: string[] } | { ok: false; error: string } {
  const names = [...new Set((value ?? '').split(',').filter((n) => n !== ''))];
  if (names.length > MAX_FIGURE_RUNS) return { ok: false, error: `runs: ${names.length} runs given, at most ${MAX_FIGURE_RUNS} can be overlaid` };
  return { ok: true, names };
}
