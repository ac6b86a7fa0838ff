import { escapeHtml, jsonForScript } from '../report/html.js';

/** The dashboard's one page; its scripts fill it from /api and keep it live through /events. */
export function dashboardHtml(runsDir: string, sweepSelected: string[] | null = null): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ncollapse dashboard</title>
<link rel="stylesheet" href="/static/dashboard.css">
<script src="/static/vega.min.js"></script>
<script src="/static/vega-lite.min.js"></script>
<script src="/static/vega-embed.min.js"></script>
</head>
<body>
<header>
  <h1>ncollapse</h1>
  <span class="runs-dir" title="runs directory">${escapeHtml(runsDir)}</span>
  <span id="connection" class="connection" data-state="connecting">connecting…</span>
</header>
<div class="layout">
  <aside>
    <section id="sweep" data-testid="sweep" hidden>
      <h2>Sweep <span id="sweep-name"></span></h2>
      <div id="sweep-counts" class="sweep-counts" data-testid="sweep-counts"></div>
      <h3>Selected runs</h3>
      <div class="table-box"><table id="sweep-selected"><thead></thead><tbody></tbody></table></div>
      <h3>Rows <span id="sweep-filter"></span></h3>
      <div class="table-box"><table id="sweep-runs"><thead></thead><tbody></tbody></table></div>
      <div class="pager">
        <button id="sweep-prev" type="button">‹ prev</button>
        <span id="sweep-range" data-testid="sweep-range"></span>
        <button id="sweep-next" type="button">next ›</button>
      </div>
      <p class="hint">★ the selected run of its cell (lowest final test error). Click a state above to list only its rows; click a row to overlay that run.</p>
    </section>
    <h2>Runs</h2>
    <div class="table-box">
    <table id="runs" data-testid="runs">
      <thead><tr><th></th><th>Run</th><th>State</th><th>Epoch</th><th>TPT</th></tr></thead>
      <tbody></tbody>
    </table>
    </div>
    <p class="hint">Tick runs to overlay them. Hover a curve for its values; the dashed rule marks tpt_epoch, the first epoch with zero training error.</p>
  </aside>
  <main>
    <section id="summary-section">
      <h2>Latest measurements</h2>
      <div class="table-box"><table id="latest" data-testid="latest"></table></div>
      <h3>Table 1: test accuracy at the start of the terminal phase and at the last epoch</h3>
      <div class="table-box"><table id="table1" data-testid="table1"></table></div>
    </section>
    <section id="figures-section">
      <div id="figures" data-testid="figures"></div>
    </section>
    <section id="geometry-section">
      <h2>Geometry of the last layer</h2>
      <div class="geometry-controls">
        <label>Run <select id="geometry-run"></select></label>
        <button id="geometry-play" type="button">▶ Play</button>
        <input id="geometry-epoch" type="range" min="0" max="0" value="0" step="1">
        <span id="geometry-epoch-label" data-testid="geometry-epoch"></span>
      </div>
      <div class="geometry-views">
        <div class="geometry-3d">
          <canvas id="geometry-canvas" width="560" height="520" data-testid="geometry-canvas"></canvas>
          <p class="hint">Drag to rotate. Circles: centred class means; triangles: classifier rows (each scaled by its Frobenius norm), on the top three principal directions of the means.</p>
        </div>
        <div id="geometry-heatmap"></div>
      </div>
    </section>
  </main>
</div>
<script>window.NCOLLAPSE = ${jsonForScript({ runsDir, sweepSelected })};</script>
<script src="/static/geometry-view.js"></script>
<script src="/static/dashboard.js"></script>
<script src="/static/sweep-panel.js"></script>
</body>
</html>
`;
}
