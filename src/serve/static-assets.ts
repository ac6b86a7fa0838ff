import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file the server sends for a fixed URL: the page's own scripts and the vega builds. */
export interface StaticAsset {
  path: string;
  contentType: string;
}

const require = createRequire(import.meta.url);

/** The directory holding a package's browser builds (each package's main entry lives in build/). */
function buildDir(pkg: string): string {
  return dirname(require.resolve(pkg));
}

/** src/serve/public, found from the sources or from dist/ (tsc does not copy .js and .css files). */
function publicDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const beside = join(here, 'public');
  if (existsSync(beside)) return beside;
  return join(here, '..', '..', '..', 'src', 'serve', 'public');
}

const JS = 'text/javascript; charset=utf-8';

/**
 * URL -> file, fixed at start: a request can only name one of these keys, never a path, so the
 * static route cannot leave these files. The vega builds come from node_modules (UMD builds that
 * define window.vega, window.vegaLite and window.vegaEmbed), never from a CDN.
 */
export function staticAssets(): Map<string, StaticAsset> {
  const pub = publicDir();
  return new Map<string, StaticAsset>([
    ['/static/vega.min.js', { path: join(buildDir('vega'), 'vega.min.js'), contentType: JS }],
    ['/static/vega-lite.min.js', { path: join(buildDir('vega-lite'), 'vega-lite.min.js'), contentType: JS }],
    ['/static/vega-embed.min.js', { path: join(buildDir('vega-embed'), 'vega-embed.min.js'), contentType: JS }],
    ['/static/dashboard.js', { path: join(pub, 'dashboard.js'), contentType: JS }],
    ['/static/geometry-view.js', { path: join(pub, 'geometry-view.js'), contentType: JS }],
    ['/static/sweep-panel.js', { path: join(pub, 'sweep-panel.js'), contentType: JS }],
    ['/static/dashboard.css', { path: join(pub, 'dashboard.css'), contentType: 'text/css; charset=utf-8' }],
  ]);
}

/** Reads an asset once and keeps it: the files do not change while the server runs. */
export class StaticFiles {
  private readonly assets = staticAssets();
  private readonly cache = new Map<string, Buffer>();

  has(url: string): boolean {
    return this.assets.has(url);
  }

  async get(url: string): Promise<{ body: Buffer; contentType: string } | null> {
    const asset = this.assets.get(url);
    if (!asset) return null;
    let body = this.cache.get(url);
    if (!body) {
      body = await readFile(asset.path);
      this.cache.set(url, body);
    }
    return { body, contentType: asset.contentType };
  }
}
