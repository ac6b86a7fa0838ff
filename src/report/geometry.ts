import type { GeometryLine } from '../run/run-schema.js';
import type { RunData } from '../run/run-reader.js';

/**
 * The geometry line to show: the one at `epoch` when it was measured, else the nearest measured
 * epoch (earlier on a tie); the last one when no epoch is asked for. null when the run has none.
 */
export function geometryAt(run: RunData, epoch?: number): GeometryLine | null {
  if (run.geometry.length === 0) return null;
  if (epoch === undefined) return run.geometry[run.geometry.length - 1]!;
  let best = run.geometry[0]!;
  for (const line of run.geometry) {
    if (Math.abs(line.epoch - epoch) < Math.abs(best.epoch - epoch)) best = line;
  }
  return best;
}

/** The Gram matrix of a simplex equiangular tight frame, as cosines: 1 on the diagonal, -1/(C-1) off it. */
export function simplexEtfCosines(numClasses: number): number[][] {
  const off = numClasses > 1 ? -1 / (numClasses - 1) : 0;
  return Array.from({ length: numClasses }, (_, i) => Array.from({ length: numClasses }, (_, j) => (i === j ? 1 : off)));
}

/** Axis labels for classes: the class names, prefixed by the index when names repeat. */
export function classLabels(run: RunData): string[] {
  const names = run.classNames;
  const unique = new Set(names).size === names.length;
  return unique ? names : names.map((name, c) => `${c}: ${name}`);
}

/** Mean and std of the off-diagonal cosines: for the caption beside the ideal -1/(C-1). */
export function offDiagonalStats(matrix: number[][]): { mean: number; std: number } {
  const values: number[] = [];
  matrix.forEach((row, i) =>
    row.forEach((value, j) => {
      if (i < j) values.push(value);
    }),
  );
  if (values.length === 0) return { mean: 0, std: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.length > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, std: Math.sqrt(variance) };
}

export interface ViewAngles {
  /** Rotation about the PC3 axis, in degrees. */
  yaw: number;
  /** Tilt towards the viewer, in degrees. */
  pitch: number;
}

export const DEFAULT_VIEW: ViewAngles = { yaw: -35, pitch: 25 };

/**
 * Orthographic projection of a 3-D point for a fixed-angle view: rotate about PC3 by yaw, then tilt
 * by pitch (looking down from above). Returns screen x, y (y up) and depth (larger = nearer the viewer).
 * The dashboard's canvas view uses the same formula (src/serve/public/geometry-view.js).
 */
export function project3d([x, y, z]: readonly number[], { yaw, pitch }: ViewAngles): { sx: number; sy: number; depth: number } {
  const a = (yaw * Math.PI) / 180;
  const b = (pitch * Math.PI) / 180;
  const rx = Math.cos(a) * x! - Math.sin(a) * y!;
  const ry = Math.sin(a) * x! + Math.cos(a) * y!;
  const rz = z ?? 0;
  // ry points into the screen; tilting rotates (rz, ry) so that a far point rises and a high point comes nearer.
  return { sx: rx, sy: rz * Math.cos(b) + ry * Math.sin(b), depth: rz * Math.sin(b) - ry * Math.cos(b) };
}
