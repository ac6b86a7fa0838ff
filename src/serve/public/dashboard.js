// The dashboard page: the run list, the figures of the ticked runs (Vega-Lite specs built by the
// server, drawn by vega-embed), and the geometry view. Server-sent events from /events say when a
// run's files change; the page then fetches what changed, without reloading.
(function () {
  'use strict';

  // Same order as the report's RUN_PALETTE (src/report/chart-style.ts): run i of the ticked runs.
  const RUN_PALETTE = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];
  // logLevel Error: vega 6.3's browser build reports its version as 5.33.1, so vega-embed would warn
  // "compiled spec uses Vega v6" on every chart although the spec runs fine.
  const EMBED_OPTIONS = {
    renderer: 'svg',
    actions: { export: true, source: false, compiled: false, editor: false },
    logLevel: window.vega.Error,
  };

  const state = {
    runs: [],
    selected: new Set(),
    initialised: false,
    views: new Map(),
    loading: false,
    reloadAgain: false,
    geometry: { run: null, labels: [], lines: [], index: 0, timer: null, heatmapTimer: null, heatmapView: null },
  };

  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) node.append(child);
    return node;
  };
  const fmt = (value, digits = 4) =>
    value === null || value === undefined
      ? '—'
      : Number(value)
          .toPrecision(digits)
          .replace(/\.?0+(e|$)/, '$1');

  async function getJson(url) {
    const res = await fetch(url, { cache: 'no-store' });
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
    return res.json();
  }

  // ---- selection, kept in the URL's hash so that a reload or a link shows the same runs ----

  function readHash() {
    const match = /runs=([^&]*)/.exec(location.hash);
    return match ? decodeURIComponent(match[1]).split(',').filter(Boolean) : null;
  }

  function writeHash() {
    const names = selectedNames();
    history.replaceState(null, '', `#runs=${encodeURIComponent(names.join(','))}`);
  }

  /** Ticked runs in the order of the run list (the order the figures' colours follow). */
  function selectedNames() {
    return state.runs.map((r) => r.name).filter((name) => state.selected.has(name));
  }

  function initialSelection() {
    const fromHash = readHash();
    const known = new Set(state.runs.map((r) => r.name));
    if (fromHash) return fromHash.filter((name) => known.has(name));
    // A sweep: its selected runs (one per cell), as in the paper's figures.
    const sweepSelected = window.NCOLLAPSE.sweepSelected;
    if (sweepSelected && sweepSelected.length > 0) return sweepSelected.filter((name) => known.has(name));
    if (state.runs.length <= 4) return state.runs.filter((r) => r.state !== 'invalid').map((r) => r.name);
    const latest = [...state.runs].sort((a, b) => String(b.updatedAt).localeCompare(String(a.updatedAt)))[0];
    return latest ? [latest.name] : [];
  }

  // ---- run list ----

  function stateBadge(run) {
    const label = run.stale ? `${run.state} (stale)` : run.state;
    const cls = run.stale ? 'state-stale' : `state-${run.state}`;
    const badge = el('span', { class: `state ${cls}`, text: label });
    if (run.message) badge.title = run.message;
    return badge;
  }

  function renderRuns() {
    const tbody = $('runs').querySelector('tbody');
    tbody.replaceChildren();
    const names = selectedNames();
    if (state.runs.length === 0) {
      tbody.append(el('tr', {}, el('td', { colspan: '5', class: 'empty', text: 'No run directories (with a config.json) here yet.' })));
    }
    for (const run of state.runs) {
      const checkbox = el('input', { type: 'checkbox', 'data-run': run.name, 'aria-label': `show ${run.name}` });
      checkbox.checked = state.selected.has(run.name);
      checkbox.disabled = run.state === 'invalid';
      checkbox.addEventListener('change', () => {
        if (checkbox.checked) state.selected.add(run.name);
        else state.selected.delete(run.name);
        writeHash();
        renderRuns();
        loadFigures();
        syncGeometryRuns();
      });
      const index = names.indexOf(run.name);
      const swatch = el('span', { class: 'swatch' });
      swatch.style.background = index >= 0 ? RUN_PALETTE[index % RUN_PALETTE.length] : 'transparent';
      const nameCell = el('td', { class: 'run-name' }, swatch, el('strong', { text: run.name }), el('br'), el('span', { class: 'label', text: run.label }));
      if (run.hasReport) {
        nameCell.append(' ', el('a', { href: `/runs/${encodeURIComponent(run.name)}/report.html`, target: '_blank', text: 'report' }));
      }
      nameCell.addEventListener('click', (e) => {
        if (e.target.tagName === 'A') return;
        checkbox.click();
      });
      const row = el(
        'tr',
        { 'data-run': run.name, class: state.selected.has(run.name) ? 'selected' : '' },
        el('td', {}, checkbox),
        nameCell,
        el('td', {}, stateBadge(run)),
        el('td', { class: 'num', 'data-testid': `run-epoch-${run.name}`, text: `${run.epoch} / ${run.epochs}` }),
        el('td', { class: 'num', text: run.tptEpoch === null ? '—' : String(run.tptEpoch) }),
      );
      tbody.append(row);
    }
  }

  // ---- figures ----

  /** `keys`: the metrics the server chose (the robustness keys only when a run measured them). */
  function renderLatest(latest, keys) {
    const table = $('latest');
    table.replaceChildren();
    table.append(el('tr', {}, ...['run', 'measured epoch', 'tpt_epoch', ...keys].map((h) => el('th', { text: h }))));
    latest.forEach((row, i) => {
      const swatch = el('span', { class: 'swatch' });
      swatch.style.background = RUN_PALETTE[i % RUN_PALETTE.length];
      table.append(
        el(
          'tr',
          { 'data-run': row.name },
          el('td', {}, swatch, row.label),
          el('td', { class: 'num latest-epoch', 'data-testid': `latest-epoch-${row.name}`, text: row.epoch === null ? '—' : String(row.epoch) }),
          el('td', { class: 'num', text: row.tptEpoch === null ? '—' : String(row.tptEpoch) }),
          ...keys.map((key) => el('td', { class: 'num', text: fmt(row.values[key]) })),
        ),
      );
    });
    if (latest.length === 0) table.append(el('tr', {}, el('td', { class: 'empty', text: 'Tick a run to see its figures.' })));
  }

  function renderTable1(rows) {
    const table = $('table1');
    table.replaceChildren();
    table.append(
      el('tr', {}, ...['run', 'TPT epoch', 'test acc. at TPT (%)', 'last epoch', 'test acc. at last (%)', 'change (points)'].map((h) => el('th', { text: h }))),
    );
    for (const row of rows) {
      const pct = (v) => (v === null ? '—' : v.toFixed(2));
      const tptNote = row.tptMeasuredEpoch !== null && row.tptMeasuredEpoch !== row.tptEpoch ? ` (epoch ${row.tptMeasuredEpoch})` : '';
      table.append(
        el(
          'tr',
          {},
          el('td', { text: row.run }),
          el('td', { class: 'num', text: row.tptEpoch === null ? 'not reached' : String(row.tptEpoch) }),
          el('td', { class: 'num', text: pct(row.accuracyAtTpt) + (row.accuracyAtTpt === null ? '' : tptNote) }),
          el('td', { class: 'num', text: row.lastEpoch === null ? '—' : String(row.lastEpoch) }),
          el('td', { class: 'num', text: pct(row.accuracyAtLast) }),
          el('td', { class: 'num', text: row.change === null ? '—' : (row.change >= 0 ? '+' : '') + row.change.toFixed(2) }),
        ),
      );
    }
  }

  // ---- fitting a chart to its box ----
  // The server's specs are the report's: panels of PANEL_WIDTH (src/report/chart-style.ts) side by
  // side, wider than a laptop's screen. Here a figure gets narrower panels first (down to
  // MIN_PANEL_WIDTH, the width the report's tick values are chosen for), then more rows.
  const MIN_PANEL_WIDTH = 220;
  // vega-embed keeps this much on the right of a chart for its actions menu.
  const EMBED_ACTIONS_WIDTH = 40;

  const svgWidth = (target) => Number(target.querySelector('svg')?.getAttribute('width') ?? 0);

  /** The width a chart may take in the figures' column (a figure box's padding and border off). */
  const figureWidth = () => $('figures').clientWidth - 26 - EMBED_ACTIONS_WIDTH;
  const heatmapWidth = () => $('geometry-heatmap').parentElement.clientWidth - 18 - EMBED_ACTIONS_WIDTH;

  function relayout(spec, width, columns) {
    const panels = spec.hconcat.map((panel) => ({ ...panel, width, ...(panel.height === panel.width ? { height: width } : {}) }));
    const { hconcat, ...rest } = spec;
    return columns >= panels.length ? { ...rest, hconcat: panels } : { ...rest, concat: panels, columns };
  }

  // A panel's axes, title and the spacing beside it take about this much (measured, then corrected).
  const PANEL_OVERHEAD = 100;

  /** Embeds a spec into `target`, laid out (and corrected after drawing) to be no wider than `available` pixels. */
  async function embedFitted(target, spec, available) {
    const panels = Array.isArray(spec.hconcat) ? spec.hconcat : [];
    const panelWidth = panels[0]?.width;
    const n = panels.length;
    if (n === 0 || typeof panelWidth !== 'number' || !(available > 0) || n * (panelWidth + PANEL_OVERHEAD) <= available) {
      const result = await vegaEmbed(target, spec, EMBED_OPTIONS);
      if (n === 0 || typeof panelWidth !== 'number' || !(available > 0) || svgWidth(target) <= available) return result;
      result.view.finalize();
    }
    let columns = n;
    let width = Math.min(panelWidth, Math.floor(available / n - PANEL_OVERHEAD));
    if (width < MIN_PANEL_WIDTH) {
      columns = Math.max(1, Math.floor(available / (MIN_PANEL_WIDTH + PANEL_OVERHEAD)));
      width = Math.min(panelWidth, Math.floor(available / columns - PANEL_OVERHEAD));
    }
    let result = null;
    for (let attempt = 0; attempt < 4; attempt++) {
      result?.view.finalize();
      result = await vegaEmbed(target, relayout(spec, Math.max(80, width), columns), EMBED_OPTIONS);
      const drawn = svgWidth(target);
      if (drawn <= available) break;
      if (columns > 1) columns--;
      else width = Math.floor((width * available) / drawn) - 4;
    }
    return result;
  }

  /** Draws a figure into a fresh element and swaps it in, so that a live update does not flicker. */
  async function embedFigure(figure) {
    let box = document.querySelector(`.figure[data-figure="${CSS.escape(figure.id)}"]`);
    if (!box) {
      box = el('div', { class: 'figure', 'data-figure': figure.id }, el('div', { class: 'chart' }), el('p', { class: 'caption', text: figure.caption }));
    }
    const target = el('div', { class: 'chart' });
    const result = await embedFitted(target, figure.spec, figureWidth());
    box.querySelector('.chart').replaceWith(target);
    state.views.get(figure.id)?.finalize();
    state.views.set(figure.id, result.view);
    return box;
  }

  async function loadFigures() {
    if (state.loading) {
      state.reloadAgain = true;
      return;
    }
    state.loading = true;
    try {
      const names = selectedNames();
      const data = await getJson(`/api/figures?runs=${encodeURIComponent(names.join(','))}`);
      renderLatest(data.latest, data.latestKeys);
      renderTable1(data.table1);
      const container = $('figures');
      const boxes = [];
      for (const figure of data.figures) boxes.push(await embedFigure(figure));
      for (const [id, view] of state.views) {
        if (!data.figures.some((f) => f.id === id)) {
          view.finalize();
          state.views.delete(id);
        }
      }
      container.replaceChildren(...boxes);
      if (boxes.length === 0) container.append(el('p', { class: 'empty', text: names.length ? 'No metrics recorded yet.' : 'No run ticked.' }));
      document.body.dataset.figuresEpoch = data.latest.map((r) => `${r.name}:${r.epoch}`).join(',');
    } catch (error) {
      console.error(error);
    } finally {
      state.loading = false;
      if (state.reloadAgain) {
        state.reloadAgain = false;
        loadFigures();
      }
    }
  }

  // ---- geometry ----

  const view = new window.GeometryView($('geometry-canvas'));

  function syncGeometryRuns() {
    const select = $('geometry-run');
    const names = selectedNames();
    const current = state.geometry.run;
    select.replaceChildren(...names.map((name) => el('option', { value: name, text: name })));
    if (names.length === 0) {
      state.geometry.run = null;
      view.setRun([], []);
      view.setLine(null);
      return;
    }
    const next = names.includes(current) ? current : names[0];
    select.value = next;
    if (next !== current) loadGeometry(next, true);
  }

  async function loadGeometry(name, toLast) {
    const g = state.geometry;
    const wasAtEnd = g.index >= g.lines.length - 1;
    g.run = name;
    let data;
    try {
      data = await getJson(`/api/geometry?run=${encodeURIComponent(name)}`);
    } catch {
      data = { classLabels: [], lines: [] };
    }
    if (g.run !== name) return;
    g.labels = data.classLabels;
    g.lines = data.lines;
    view.setRun(g.labels, g.lines);
    const slider = $('geometry-epoch');
    slider.max = String(Math.max(0, g.lines.length - 1));
    if (toLast || wasAtEnd) g.index = Math.max(0, g.lines.length - 1);
    g.index = Math.min(g.index, Math.max(0, g.lines.length - 1));
    showGeometryIndex(g.index);
  }

  function showGeometryIndex(index) {
    const g = state.geometry;
    g.index = index;
    $('geometry-epoch').value = String(index);
    const line = g.lines[index] || null;
    $('geometry-epoch-label').textContent = line ? `epoch ${line.epoch} (${index + 1} of ${g.lines.length} measured)` : 'no geometry yet';
    view.setLine(line);
    clearTimeout(g.heatmapTimer);
    if (line) g.heatmapTimer = setTimeout(() => loadHeatmap(g.run, line.epoch), 120);
  }

  async function loadHeatmap(name, epoch) {
    try {
      const data = await getJson(`/api/heatmap?run=${encodeURIComponent(name)}&epoch=${epoch}`);
      if (state.geometry.run !== name) return;
      const target = el('div');
      const result = await embedFitted(target, data.spec, heatmapWidth());
      $('geometry-heatmap').replaceChildren(target);
      state.geometry.heatmapView?.finalize();
      state.geometry.heatmapView = result.view;
    } catch (error) {
      console.error(error);
    }
  }

  function togglePlay() {
    const g = state.geometry;
    const button = $('geometry-play');
    if (g.timer) {
      clearInterval(g.timer);
      g.timer = null;
      button.textContent = '▶ Play';
      return;
    }
    if (g.lines.length < 2) return;
    if (g.index >= g.lines.length - 1) showGeometryIndex(0);
    button.textContent = '❚❚ Pause';
    g.timer = setInterval(() => {
      if (g.index >= g.lines.length - 1) return togglePlay();
      showGeometryIndex(g.index + 1);
    }, 450);
  }

  $('geometry-epoch').addEventListener('input', (e) => showGeometryIndex(Number(e.target.value)));
  $('geometry-run').addEventListener('change', (e) => loadGeometry(e.target.value, true));
  $('geometry-play').addEventListener('click', togglePlay);

  // A new width fits the charts again (after the resizing stops).
  let fittedFor = window.innerWidth;
  let resizeTimer = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      if (window.innerWidth === fittedFor) return;
      fittedFor = window.innerWidth;
      if (state.initialised) loadFigures();
      if (state.geometry.run && state.geometry.lines.length > 0) showGeometryIndex(state.geometry.index);
    }, 200);
  });

  // ---- live updates ----

  function setConnection(status, text) {
    const badge = $('connection');
    badge.dataset.state = status;
    badge.textContent = text;
  }

  function connect() {
    const events = new EventSource('/events');
    events.addEventListener('open', () => {
      setConnection('live', 'live');
      // After a reconnection something may have changed unseen.
      if (state.initialised) loadFigures();
    });
    events.addEventListener('error', () => setConnection('lost', 'reconnecting…'));
    events.addEventListener('runs', (e) => {
      state.runs = JSON.parse(e.data);
      if (!state.initialised) {
        state.initialised = true;
        state.selected = new Set(initialSelection());
        writeHash();
        renderRuns();
        loadFigures();
        syncGeometryRuns();
        return;
      }
      const known = new Set(state.runs.map((r) => r.name));
      for (const name of [...state.selected]) if (!known.has(name)) state.selected.delete(name);
      renderRuns();
    });
    events.addEventListener('run-changed', (e) => {
      const change = JSON.parse(e.data);
      if (!state.selected.has(change.name)) return;
      if (change.files.some((f) => f !== 'geometry.jsonl')) loadFigures();
      if (change.name === state.geometry.run && change.files.includes('geometry.jsonl')) loadGeometry(change.name, false);
    });
  }

  connect();
})();
