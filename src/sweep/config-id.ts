import { createHash } from 'node:crypto';

/** JSON with keys sorted at every level: the same settings always give the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A row's id: the hash of its settings, so that the id names the run and a changed row shows. */
export function configId(config: object): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 12);
}
