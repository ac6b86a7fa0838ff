import { InvalidArgumentError } from 'commander';

/** Commander argument parsers: a bad value is an error that says what was expected and what came. */
export function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`must be a non-negative integer, got '${value}'`);
  return n;
}

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`must be a positive integer, got '${value}'`);
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`must be a finite number >= 0, got '${value}'`);
  return n;
}

/** A comma-separated list of class indices (0 and up), as --minority 5,6,7,8,9. */
export function classIndexList(value: string): number[] {
  return value.split(',').map((part) => nonNegativeInteger(part.trim()));
}

export function integerList(value: string): number[] {
  return value.split(',').map((part) => positiveInteger(part.trim()));
}
