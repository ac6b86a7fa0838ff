import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve } from 'node:path';
import { figuresResponse, geometryResponse, heatmapResponse } from './api.js';
import { dashboardHtml } from './dashboard-html.js';
import { RunCache } from './run-cache.js';
import { RunWatcher } from './run-watcher.js';
import { hasDotSegment, resolveFileInside } from './safe-path.js';
import { SseHub } from './sse.js';
import { parseRunList } from './run-list.js';
import { parseSweepQuery, SweepIndex, type SweepAnswer } from './sweep-api.js';
import { StaticFiles } from './static-assets.js';

/** The dashboard listens on the loopback interface only: it is a local tool, not a web service. */
export const DASHBOARD_HOST = '127.0.0.1';

export interface DashboardOptions {
  runsDir: string;
  /** 0 picks a free port (tests). */
  port?: number;
  /** Polling period of the file watcher's fallback. */
  pollMs?: number;
}

export interface Dashboard {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.csv': 'text/csv; charset=utf-8',
};

/**
 * Names a browser may use for this server. Any other Host header is refused: it would mean a page
 * of another site reached 127.0.0.1 through DNS rebinding, and must not read the runs.
 */
const LOCAL_HOST_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

function isLocalHost(hostHeader: string | undefined): boolean {
  if (hostHeader === undefined) return true; // HTTP/1.0 without Host: not a browser
  const name = hostHeader.startsWith('[') ? hostHeader.slice(0, hostHeader.indexOf(']') + 1) : hostHeader.split(':')[0]!;
  return LOCAL_HOST_NAMES.has(name.toLowerCase());
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(value));
}

/** A JSON body with its ETag; 304 and no body when the browser already holds this version. */
function sendTagged(req: IncomingMessage, res: ServerResponse, answer: SweepAnswer): void {
  const headers = { ETag: answer.etag, 'Cache-Control': 'no-cache' };
  if (req.headers['if-none-match'] === answer.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Type': 'application/json; charset=utf-8' });
  res.end(answer.body);
}

function sendRaw(res: ServerResponse, json: string): void {
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(json);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text + '\n');
}

/** The raw path of a request, as sent (no normalisation), without the query. */
function rawPathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function queryOf(req: IncomingMessage): URLSearchParams {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
}

export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const runsDir = resolve(options.runsDir);
  const hub = new SseHub();
  const files = new StaticFiles();
  const watcher = new RunWatcher(runsDir, { pollMs: options.pollMs });
  // The watcher is the index of the runs: a request never lists the folder itself.
  const cache = new RunCache(runsDir, { source: async () => watcher.runs() });
  const sweep = new SweepIndex(runsDir, watcher);

  // The run list as JSON, made again only when the watcher saw a change.
  let runsJsonEntry: { generation: number; json: string } | null = null;
  const runsJson = async (): Promise<string> => {
    const generation = watcher.generation;
    if (runsJsonEntry?.generation !== generation) runsJsonEntry = { generation, json: JSON.stringify(await cache.summaries()) };
    return runsJsonEntry.json;
  };
  const broadcastRuns = async () => hub.send('runs', await cache.summaries());
  watcher.on('change', (change) => {
    hub.send('run-changed', change);
    void broadcastRuns().catch(() => undefined);
  });
  watcher.on('runs', () => void broadcastRuns().catch(() => undefined));
  await watcher.start();
  // Read every run's summary (and a sweep's rows) once now, so that no first request pays for it.
  await cache.summaries();
  if (sweep.isSweep()) await sweep.selectedRuns();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed');
    if (!isLocalHost(req.headers.host)) return sendText(res, 403, 'forbidden host');
    const rawPath = rawPathOf(req);
    // Refused before any routing: "..", "." (literal or percent-encoded), backslashes, "//".
    if (!rawPath.startsWith('/') || rawPath.startsWith('//') || hasDotSegment(rawPath) || rawPath.includes('\\') || rawPath.includes('\0')) {
      return sendText(res, 403, 'forbidden');
    }
    const query = queryOf(req);

    if (rawPath === '/' || rawPath === '/index.html') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(dashboardHtml(runsDir, await sweep.selectedRuns()));
      return;
    }
    if (files.has(rawPath)) {
      const asset = await files.get(rawPath);
      res.writeHead(200, { 'Content-Type': asset!.contentType, 'Cache-Control': 'no-cache' });
      res.end(asset!.body);
      return;
    }
    if (rawPath === '/events') {
      hub.add(res, [{ event: 'runs', data: await cache.summaries() }]);
      return;
    }
    if (rawPath === '/api/runs') return sendRaw(res, await runsJson());
    if (rawPath === '/api/sweep') {
      const parsed = parseSweepQuery(query);
      if (!parsed.ok) return sendText(res, 400, parsed.error);
      const answer = await sweep.answer(parsed.query);
      return answer ? sendTagged(req, res, answer) : sendJson(res, 200, null);
    }
    if (rawPath === '/api/figures') {
      const list = parseRunList(query.get('runs'));
      if (!list.ok) return sendText(res, 400, list.error);
      return sendJson(res, 200, await figuresResponse(cache, list.names));
    }
    if (rawPath === '/api/geometry') {
      const body = await geometryResponse(cache, query.get('run') ?? '');
      return body ? sendJson(res, 200, body) : sendText(res, 404, 'no such run');
    }
    if (rawPath === '/api/heatmap') {
      const epoch = query.has('epoch') ? Number(query.get('epoch')) : undefined;
      const body = await heatmapResponse(cache, query.get('run') ?? '', Number.isFinite(epoch) ? epoch : undefined);
      return body ? sendJson(res, 200, body) : sendText(res, 404, 'no geometry for this run');
    }
    if (rawPath.startsWith('/runs/')) return serveRunFile(rawPath.slice('/runs/'.length), res);
    if (rawPath === '/favicon.ico') {
      res.writeHead(204);
      res.end();
      return;
    }
    sendText(res, 404, 'not found');
  }

  /** A file inside RUNS_DIR (a run's report.html, figures, metrics.jsonl); nothing outside it. */
  async function serveRunFile(rawRelative: string, res: ServerResponse): Promise<void> {
    const found = await resolveFileInside(runsDir, rawRelative);
    if (!found.ok) return sendText(res, found.status, found.status === 404 ? 'not found' : 'forbidden');
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(found.path).toLowerCase()] ?? 'application/octet-stream',
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    createReadStream(found.path)
      .on('error', () => res.destroy())
      .pipe(res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) res.end();
      else sendText(res, 500, `error: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, DASHBOARD_HOST, () => resolvePromise());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${DASHBOARD_HOST}:${port}/`,
    port,
    server,
    close: async () => {
      watcher.close();
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
    },
  };
}
