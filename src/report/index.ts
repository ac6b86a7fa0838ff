/** The public face of the report: what the CLI, the trainer and the dashboard import. */
export { writeReport, writeReportForRuns, defaultReportDir, type ReportOptions, type ReportOutput } from './write-report.js';
export { readRun, readRuns, metricValue, isStale, RunReadError, type RunData } from '../run/run-reader.js';
export { table1, table1Markdown, type Table1Row } from './table1.js';
export { allFigures, epochFigures, geometryFigures, type FigureSpec } from './figures.js';
export { renderSvg, svgToPng } from './render-figure.js';
