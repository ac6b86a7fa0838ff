import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { z } from 'zod';

/**
 * Parses a .jsonl file line by line. A line that is not JSON or does not match the schema is
 * skipped with a warning: the trainer may be in the middle of appending it.
 */
export function parseJsonLines<T>(text: string, schema: z.ZodType<T>, fileName: string, warnings: string[]): T[] {
  const rows: T[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      warnings.push(`${fileName}:${index + 1}: skipped a line that is not complete JSON`);
      return;
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) rows.push(parsed.data);
    else warnings.push(`${fileName}:${index + 1}: skipped a line: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  });
  return rows;
}

/** Reads a .jsonl file (none when it does not exist yet) with parseJsonLines. */
export function readJsonLines<T>(file: string, schema: z.ZodType<T>, warnings: string[] = []): T[] {
  if (!existsSync(file)) return [];
  return parseJsonLines(readFileSync(file, 'utf8'), schema, basename(file), warnings);
}
