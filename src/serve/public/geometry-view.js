// The dashboard's 3-D view of class means and classifier rows: a hand-written orthographic
// projection on a canvas (drag to rotate), with the same angles as the report's fixed view
// (src/report/geometry.ts, project3d).
(function () {
  'use strict';

  const TABLEAU10 = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];
  const TABLEAU20 = [
    '#4c78a8',
    '#9ecae9',
    '#f58518',
    '#ffbf79',
    '#54a24b',
    '#88d27a',
    '#b79a20',
    '#f2cf5b',
    '#439894',
    '#83bcb6',
    '#e45756',
    '#ff9d98',
    '#79706e',
    '#bab0ac',
    '#d67195',
    '#fcbfd2',
    '#b279a2',
    '#d6a5c9',
    '#9e765f',
    '#d8b5a5',
  ];

  function project([x, y, z], yawDeg, pitchDeg) {
    const a = (yawDeg * Math.PI) / 180;
    const b = (pitchDeg * Math.PI) / 180;
    const rx = Math.cos(a) * x - Math.sin(a) * y;
    const ry = Math.sin(a) * x + Math.cos(a) * y;
    return { sx: rx, sy: z * Math.cos(b) + ry * Math.sin(b), depth: z * Math.sin(b) - ry * Math.cos(b) };
  }

  class GeometryView {
    constructor(canvas) {
      this.canvas = canvas;
      this.ctx = canvas.getContext('2d');
      this.yaw = -35;
      this.pitch = 25;
      this.labels = [];
      this.line = null;
      this.radius = 1;
      this.explained = null;
      this.installDrag();
      this.draw();
    }

    /** Points of every epoch share one scale, so that playing the epochs shows the collapse itself. */
    setRun(labels, lines) {
      this.labels = labels;
      let r = 1e-9;
      for (const line of lines) {
        for (const p of [...(line.pca_means || []), ...(line.pca_classifier || [])]) r = Math.max(r, Math.hypot(p[0], p[1], p[2] || 0));
      }
      this.radius = r;
    }

    setLine(line) {
      this.line = line;
      this.draw();
    }

    installDrag() {
      let last = null;
      this.canvas.addEventListener('pointerdown', (e) => {
        last = { x: e.clientX, y: e.clientY };
        this.canvas.setPointerCapture(e.pointerId);
      });
      this.canvas.addEventListener('pointermove', (e) => {
        if (!last) return;
        this.yaw -= (e.clientX - last.x) * 0.5;
        this.pitch = Math.max(-89, Math.min(89, this.pitch + (e.clientY - last.y) * 0.5));
        last = { x: e.clientX, y: e.clientY };
        this.draw();
      });
      const end = () => {
        last = null;
      };
      this.canvas.addEventListener('pointerup', end);
      this.canvas.addEventListener('pointercancel', end);
    }

    colour(c) {
      const palette = this.labels.length <= 10 ? TABLEAU10 : TABLEAU20;
      return palette[c % palette.length];
    }

    draw() {
      const { ctx, canvas } = this;
      const w = canvas.width,
        h = canvas.height;
      ctx.clearRect(0, 0, w, h);
      ctx.fillStyle = 'white';
      ctx.fillRect(0, 0, w, h);
      if (!this.line) {
        ctx.fillStyle = '#888';
        ctx.font = '14px DejaVu Sans, sans-serif';
        ctx.fillText('No geometry recorded for this run yet.', 20, 30);
        return;
      }
      if (!this.line.pca_means) {
        this.drawInterference(w);
        return;
      }
      const scale = (Math.min(w, h) / 2 - 40) / (this.radius * 1.1);
      const cx = w / 2,
        cy = h / 2;
      const toScreen = (p) => {
        const q = project([p[0], p[1], p[2] || 0], this.yaw, this.pitch);
        return { x: cx + q.sx * scale, y: cy - q.sy * scale, depth: q.depth };
      };
      // axes
      ctx.lineWidth = 1;
      ctx.font = '11px DejaVu Sans, sans-serif';
      for (let axis = 0; axis < 3; axis++) {
        const tip = [0, 0, 0];
        tip[axis] = this.radius * 1.05;
        const neg = [0, 0, 0];
        neg[axis] = -this.radius * 1.05;
        const a = toScreen(neg),
          b = toScreen(tip);
        ctx.strokeStyle = '#ccc';
        ctx.setLineDash([3, 3]);
        ctx.beginPath();
        ctx.moveTo(a.x, a.y);
        ctx.lineTo(cx, cy);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.strokeStyle = '#999';
        ctx.beginPath();
        ctx.moveTo(cx, cy);
        ctx.lineTo(b.x, b.y);
        ctx.stroke();
        ctx.fillStyle = '#777';
        const ev = this.line.explained_variance;
        ctx.fillText(`PC${axis + 1}` + (ev && ev[axis] !== undefined ? ` (${(100 * ev[axis]).toFixed(1)}%)` : ''), b.x + 4, b.y - 4);
      }
      const items = [];
      this.line.pca_means.forEach((p, c) => items.push({ c, kind: 'mean', ...toScreen(p) }));
      (this.line.pca_classifier || []).forEach((p, c) => items.push({ c, kind: 'classifier', ...toScreen(p) }));
      const depths = items.map((i) => i.depth);
      const dMin = Math.min(...depths),
        dMax = Math.max(...depths);
      items.sort((a, b) => a.depth - b.depth);
      for (const item of items) {
        const near = dMax > dMin ? (item.depth - dMin) / (dMax - dMin) : 0.5;
        const size = 4.5 + 3.5 * near;
        const colour = this.colour(item.c);
        ctx.globalAlpha = 0.45 + 0.55 * near;
        ctx.strokeStyle = colour;
        ctx.setLineDash(item.kind === 'classifier' ? [4, 3] : []);
        ctx.beginPath();
        ctx.moveTo(cx, cy);
        ctx.lineTo(item.x, item.y);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = colour;
        ctx.beginPath();
        if (item.kind === 'mean') {
          ctx.arc(item.x, item.y, size, 0, 2 * Math.PI);
        } else {
          ctx.moveTo(item.x, item.y - size * 1.2);
          ctx.lineTo(item.x + size * 1.1, item.y + size * 0.8);
          ctx.lineTo(item.x - size * 1.1, item.y + size * 0.8);
          ctx.closePath();
        }
        ctx.fill();
        if (item.kind === 'mean' && this.labels.length <= 20) {
          ctx.fillText(this.labels[item.c] || String(item.c), item.x + size + 3, item.y - size);
        }
      }
      ctx.globalAlpha = 1;
      ctx.fillStyle = '#444';
      ctx.font = '12px DejaVu Sans, sans-serif';
      ctx.fillText(`epoch ${this.line.epoch} · yaw ${Math.round(this.yaw)}°, pitch ${Math.round(this.pitch)}°`, 10, h - 10);
    }
  }

  /**
   * Above the geometry's class limit (COSINE_MATRIX_LIMIT in src/collapse/last-layer-geometry.ts)
   * there are no points to rotate: the classes with the largest interference are listed instead.
   */
  GeometryView.prototype.drawInterference = function (w) {
    const { ctx } = this;
    const summary = this.line.cos_summary;
    ctx.fillStyle = '#444';
    ctx.font = '13px DejaVu Sans, sans-serif';
    ctx.fillText(`epoch ${this.line.epoch}: ${this.labels.length || 'many'} classes, too many for a 3-D view.`, 16, 26);
    ctx.fillText('Classes with the largest interference (cosine to the nearest other centred mean):', 16, 46);
    const rows = (summary && summary.means.interference) || [];
    const name = (c) => this.labels[c] || String(c);
    rows.forEach((item, i) => {
      const y = 72 + i * 20;
      const width = Math.max(0, ((item.cos + 1) / 2) * (w - 260));
      ctx.fillStyle = '#d62728';
      ctx.fillRect(200, y - 12, width, 14);
      ctx.fillStyle = '#444';
      ctx.fillText(`${name(item.class)} ~ ${name(item.partner)}`, 16, y);
      ctx.fillText(item.cos.toFixed(3), 206 + width, y);
    });
  };

  window.GeometryView = GeometryView;
})();
