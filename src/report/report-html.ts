import type { FigureSection } from './figure-catalog.js';
import { escapeHtml } from './html.js';
import { isStale, type RunData } from '../run/run-reader.js';
import { TABLE1_HEADERS, table1Cells, type Table1Row } from './table1.js';

/** A figure rendered to SVG, as the HTML page shows it. */
export interface RenderedFigure {
  id: string;
  title: string;
  caption: string;
  section: FigureSection;
  svg: string;
  /** Paths of the written files, relative to report.html. */
  svgFile: string;
  pngFile: string | null;
}

const SECTION_TITLES: Record<FigureSection, string> = {
  training: 'Training',
  paper: 'Neural collapse (Papyan, Han & Donoho 2020, Figures 2–7)',
  extras: 'Other collapse measures',
  layers: 'Layer-wise collapse',
  geometry: 'Geometry of the last layer',
};

const STYLE = `
  body { font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; margin: 0; color: #222; background: #fafafa; }
  main { max-width: 1280px; margin: 0 auto; padding: 16px 28px 48px; }
  h1 { font-size: 24px; margin: 12px 0 4px; }
  h2 { font-size: 19px; margin: 32px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
  h3 { font-size: 15px; margin: 0 0 8px; }
  .meta { color: #666; font-size: 13px; }
  table { border-collapse: collapse; font-size: 13px; background: white; }
  th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  th { background: #f0f0f0; }
  figure { background: white; border: 1px solid #e2e2e2; border-radius: 6px; margin: 14px 0; padding: 12px 14px; overflow-x: auto; }
  figure img { display: block; max-width: 100%; height: auto; }
  figcaption { color: #555; font-size: 13px; margin-top: 6px; }
  .warnings { color: #8a5a00; font-size: 13px; }
  .state-running { color: #1f6feb; } .state-finished { color: #1a7f37; }
  .state-diverged { color: #cf222e; } .state-interrupted { color: #9a6700; }
`;

function svgDataUri(svg: string): string {
  // An <img> per figure keeps each SVG's internal ids (clip paths, gradients) apart.
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}

function svgSize(svg: string): { width: number; height: number } | null {
  const match = /<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"/.exec(svg);
  return match ? { width: Math.round(Number(match[1])), height: Math.round(Number(match[2])) } : null;
}

function figureHtml(figure: RenderedFigure): string {
  const size = svgSize(figure.svg);
  const sizeAttrs = size ? ` width="${size.width}" height="${size.height}"` : '';
  const links = [`<a href="${escapeHtml(figure.svgFile)}">SVG</a>`];
  if (figure.pngFile) links.push(`<a href="${escapeHtml(figure.pngFile)}">PNG</a>`);
  return `<figure id="fig-${escapeHtml(figure.id)}" data-figure="${escapeHtml(figure.id)}">
  <img alt="${escapeHtml(figure.title)}" src="${svgDataUri(figure.svg)}"${sizeAttrs}>
  <figcaption><strong class="figure-title">${escapeHtml(figure.title)}.</strong> ${escapeHtml(figure.caption)} · ${links.join(' · ')}</figcaption>
</figure>`;
}

/** With --imbalance: the examples kept of each class, minority classes marked with '*'. */
function classCountsText(config: RunData['config']): string {
  const counts = config.classCounts;
  if (!Array.isArray(counts)) return '';
  const minority = new Set(Array.isArray(config.minorityClasses) ? (config.minorityClasses as number[]) : []);
  return ` (${String(config.imbalance ?? 'imbalanced')}: ${counts.map((n, c) => `${String(n)}${minority.has(c) ? '*' : ''}`).join(', ')}; * minority)`;
}

function runsTableHtml(runs: RunData[]): string {
  const rows = runs.map((run) => {
    const state = run.status ? run.status.state + (isStale(run.status) ? ' (stale)' : '') : 'unknown';
    const epoch = run.status?.epoch ?? run.metrics[run.metrics.length - 1]?.epoch ?? 0;
    const cells = [
      run.label,
      run.name,
      `<span class="state-${escapeHtml(run.status?.state ?? 'unknown')}">${escapeHtml(state)}</span>`,
      `${epoch} / ${run.config.epochs}`,
      String(run.config.numClasses) + classCountsText(run.config),
      run.tptEpoch === null ? 'not reached' : String(run.tptEpoch),
      String(run.metrics.length),
      escapeHtml(run.dir),
    ];
    return `<tr>${cells.map((cell, i) => `<td>${i === 2 || i === 7 ? cell : escapeHtml(cell)}</td>`).join('')}</tr>`;
  });
  return `<table class="runs">
<tr><th>Run (dataset / model / loss)</th><th>Name</th><th>State</th><th>Epoch</th><th>Classes</th><th>tpt_epoch</th><th>Measured epochs</th><th>Directory</th></tr>
${rows.join('\n')}
</table>`;
}

export function table1Html(rows: Table1Row[]): string {
  const body = rows.map(
    (row) =>
      `<tr>${table1Cells(row)
        .map((cell, i) => `<td${i >= 2 ? ' class="num"' : ''}>${escapeHtml(cell)}</td>`)
        .join('')}</tr>`,
  );
  return `<table class="table1">
<tr>${TABLE1_HEADERS.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>
${body.join('\n')}
</table>`;
}

export interface ReportPage {
  runs: RunData[];
  figures: RenderedFigure[];
  table1: Table1Row[];
  generatedAt: Date;
}

/** The whole report as one self-contained HTML page (figures inlined; no script, no network). */
export function reportHtml(page: ReportPage): string {
  const sections: string[] = [];
  for (const section of Object.keys(SECTION_TITLES) as FigureSection[]) {
    const figures = page.figures.filter((f) => f.section === section);
    if (figures.length === 0) continue;
    sections.push(`<section data-section="${section}">
<h2>${escapeHtml(SECTION_TITLES[section])}</h2>
${figures.map(figureHtml).join('\n')}
</section>`);
  }
  const warnings = page.runs.flatMap((run) => run.warnings.map((w) => `${run.name}: ${w}`));
  const names = page.runs.map((run) => run.name).join(', ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ncollapse report: ${escapeHtml(names)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Neural collapse report</h1>
<p class="meta">${escapeHtml(names)} · generated ${escapeHtml(page.generatedAt.toISOString())} by ncollapse · x axes: epoch on a log scale; dashed rules: tpt_epoch, the first epoch with zero training error.</p>
${runsTableHtml(page.runs)}
<h2>Table 1: test accuracy at the start of the terminal phase and at the last epoch</h2>
${table1Html(page.table1)}
${warnings.length > 0 ? `<details class="warnings"><summary>${warnings.length} line(s) skipped while reading</summary><ul>${warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul></details>` : ''}
${sections.join('\n')}
</main>
</body>
</html>
`;
}
