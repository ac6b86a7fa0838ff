// The sweep panel of the dashboard (shown when RUNS_DIR is a sweep directory): the count of rows
// in each state, the selected run of each cell, and one page of the sweep's rows (a sweep may
// have 100,000), each with its state, epoch and test error. A click on a state lists only its
// rows; a click on a row ticks that run in the run list (once it has started and so has a
// config.json). The poll sends the last answer's ETag: an unchanged sweep costs a bodiless 304.
(function () {
  'use strict';

  const POLL_MS = 3000;
  const PAGE_ROWS = 100;
  const $ = (id) => document.getElementById(id);
  const cell = (text, cls) => {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  };
  const axisText = (value) => (Array.isArray(value) ? value.join(',') : String(value));
  const view = { offset: 0, state: null, etag: null, timer: null, asked: 0 };

  function header(sweep) {
    const head = document.createElement('tr');
    for (const title of ['', '#', ...sweep.axes, 'state', 'epoch', 'test err.']) {
      const th = document.createElement('th');
      th.textContent = title;
      head.append(th);
    }
    return head;
  }

  function rowOf(sweep, run) {
    const tr = document.createElement('tr');
    tr.dataset.sweepRun = run.name;
    tr.title = `${run.name}: ${run.cell}`;
    tr.append(
      cell(run.selected ? '★' : ''),
      cell(String(run.index)),
      ...sweep.axes.map((axis) => cell(axisText(run.axes[axis]))),
      cell(run.state, `state state-${run.state}`),
      cell(`${run.epoch}/${run.epochs}`, 'num'),
      cell(run.testError === null ? '—' : run.testError.toFixed(4), 'num'),
    );
    tr.addEventListener('click', () => {
      const checkbox = document.querySelector(`#runs input[data-run="${CSS.escape(run.name)}"]`);
      if (checkbox && !checkbox.disabled) checkbox.click();
    });
    return tr;
  }

  function renderCounts(sweep) {
    const box = $('sweep-counts');
    const choices = [
      [null, 'all', sweep.total],
      ...Object.entries(sweep.counts)
        .filter(([, n]) => n > 0)
        .map(([state, n]) => [state, state, n]),
    ];
    box.replaceChildren(
      ...choices.map(([state, label, n]) => {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = `count state-${state ?? 'all'}${view.state === state ? ' active' : ''}`;
        button.dataset.state = state ?? '';
        button.textContent = `${label} ${n}`;
        button.addEventListener('click', () => {
          view.state = state;
          view.offset = 0;
          reload();
        });
        return button;
      }),
    );
  }

  function render(sweep) {
    $('sweep').hidden = false;
    $('sweep-name').textContent = `${sweep.name}${sweep.backend ? ` (${sweep.backend})` : ''}`;
    renderCounts(sweep);
    $('sweep-selected').querySelector('thead').replaceChildren(header(sweep));
    const selected = sweep.selected.map((run) => rowOf(sweep, run));
    if (selected.length === 0) {
      const empty = cell('No run selected yet: a cell needs a finished run.', 'empty');
      empty.colSpan = sweep.axes.length + 5;
      selected.push(document.createElement('tr'));
      selected[0].append(empty);
    }
    $('sweep-selected')
      .querySelector('tbody')
      .replaceChildren(...selected);
    $('sweep-runs').querySelector('thead').replaceChildren(header(sweep));
    $('sweep-runs')
      .querySelector('tbody')
      .replaceChildren(...sweep.page.runs.map((run) => rowOf(sweep, run)));
    const { offset, total, runs } = sweep.page;
    $('sweep-filter').textContent = sweep.page.state ? `(${sweep.page.state})` : '';
    $('sweep-range').textContent = total === 0 ? 'no rows' : `rows ${offset + 1}–${offset + runs.length} of ${total}`;
    $('sweep-prev').disabled = offset === 0;
    $('sweep-next').disabled = offset + runs.length >= total;
  }

  async function refresh() {
    clearTimeout(view.timer);
    const asked = ++view.asked;
    try {
      const params = new URLSearchParams({ offset: String(view.offset), limit: String(PAGE_ROWS) });
      if (view.state) params.set('state', view.state);
      const headers = view.etag ? { 'If-None-Match': view.etag } : {};
      const res = await fetch(`/api/sweep?${params}`, { cache: 'no-store', headers });
      if (asked !== view.asked) return; // a newer page or filter was asked meanwhile
      if (res.status === 304) {
        // unchanged since the last answer
      } else {
        const sweep = res.ok ? await res.json() : null;
        if (asked !== view.asked) return;
        if (!sweep) return; // not a sweep: the panel stays hidden and is not asked again
        view.etag = res.headers.get('ETag');
        if (sweep.page.offset >= sweep.page.total && sweep.page.total > 0) {
          // the rows of this state became fewer: show the last page instead of an empty one
          view.offset = Math.floor((sweep.page.total - 1) / PAGE_ROWS) * PAGE_ROWS;
          view.etag = null;
          return refresh();
        }
        render(sweep);
      }
    } catch {
      // the server is restarting: try again at the next tick
    }
    view.timer = setTimeout(refresh, POLL_MS);
  }

  /** A new page or filter: ask at once, without the ETag of another page. */
  function reload() {
    view.etag = null;
    refresh();
  }

  $('sweep-prev').addEventListener('click', () => {
    view.offset = Math.max(0, view.offset - PAGE_ROWS);
    reload();
  });
  $('sweep-next').addEventListener('click', () => {
    view.offset += PAGE_ROWS;
    reload();
  });

  refresh();
})();
