import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** One `import ... from './x.js'` (static, re-export or dynamic) between two files of src/. */
export interface SourceImport {
  /** The importing file, relative to src/. */
  from: string;
  /** The imported file, relative to src/. */
  to: string;
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import between the TypeScript files under `srcDir`, type-only ones included. */
export function sourceImports(srcDir: string): SourceImport[] {
  const root = resolve(srcDir);
  const imports: SourceImport[] = [];
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(SPECIFIER)) {
      const target = resolve(dirname(file), match[1]!).replace(/\.js$/, '.ts');
      imports.push({ from: relative(root, file), to: relative(root, target) });
    }
  }
  return imports;
}

/** The folder of src/ a file belongs to ('errors.ts' at the top stands for itself). */
export function folderOf(path: string): string {
  return path.split(sep)[0]!.replace(/\.ts$/, '');
}

/** Folder-to-folder edges, each with one import that makes it (for the failure message). */
export function folderEdges(imports: SourceImport[]): Map<string, Map<string, SourceImport>> {
  const edges = new Map<string, Map<string, SourceImport>>();
  for (const edge of imports) {
    const from = folderOf(edge.from);
    const to = folderOf(edge.to);
    if (from === to) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from)!.has(to)) edges.get(from)!.set(to, edge);
  }
  return edges;
}

/** A cycle of folders (first folder repeated at the end), or null when the folder graph is acyclic. */
export function findFolderCycle(edges: Map<string, Map<string, SourceImport>>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (folder: string): string[] | null => {
    if (state.get(folder) === 'done') return null;
    if (state.get(folder) === 'open') return [...path.slice(path.indexOf(folder)), folder];
    state.set(folder, 'open');
    path.push(folder);
    for (const next of edges.get(folder)?.keys() ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(folder, 'done');
    return null;
  };
  for (const folder of edges.keys()) {
    const cycle = visit(folder);
    if (cycle) return cycle;
  }
  return null;
}
