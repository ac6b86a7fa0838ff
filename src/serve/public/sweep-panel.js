// The sweep panel of the dashboard (shown when RUNS_DIR is a sweep directory): every row of the
// sweep with its state, epoch and test error, the selected run of each cell starred. A click on a
// row ticks that run in the run list (once it has started and so has a config.json).
(function () {
  'use strict';

  const POLL_MS = 3000;
  const $ = (id) => document.getElementById(id);
  const cell = (text, cls) => {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  };
  const axisText = (value) => (Array.isArray(value) ? value.join(',') : String(value));

  function render(sweep) {
    $('sweep').hidden = false;
    $('sweep-name').textContent = `${sweep.name}${sweep.backend ? ` (${sweep.backend})` : ''}`;
    const head = document.createElement('tr');
    for (const title of ['', '#', ...sweep.axes, 'state', 'epoch', 'test err.']) {
      const th = document.createElement('th');
      th.textContent = title;
      head.append(th);
    }
    $('sweep-runs').querySelector('thead').replaceChildren(head);
    const rows = sweep.runs.map((run) => {
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
    });
    $('sweep-runs').querySelector('tbody').replaceChildren(...rows);
  }

  async function refresh() {
    try {
      const res = await fetch('/api/sweep', { cache: 'no-store' });
      const sweep = res.ok ? await res.json() : null;
      if (!sweep) return; // not a sweep: the panel stays hidden and is not asked again
      render(sweep);
    } catch {
      // the server is restarting: try again at the next tick
    }
    setTimeout(refresh, POLL_MS);
  }

  refresh();
})();
