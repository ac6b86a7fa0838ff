/**
 * The kinds of value a training option takes. Each kind checks a value the same way wherever it
 * comes from (the command line, a grid file, config.json), so that the three can never disagree
 * about what is valid, and says what it expected in words that go into every message.
 */
export interface OptionValue<T> {
  /** What a valid value is, e.g. "a number > 0 and <= 10". */
  readonly expected: string;
  /** Why `value` is not valid (a sentence fragment such as "must be ..., got 0"), or undefined when it is. */
  problem(value: unknown): string | undefined;
  /** The value of command-line text (not yet checked: problem() does that). */
  fromText(text: string): unknown;
  /** The command-line text of a valid value. */
  toText(value: T): string;
  /** A switch (--pool / --no-pool) rather than an option that takes a value. */
  readonly isSwitch: boolean;
}

const got = (value: unknown) => `got ${typeof value === 'string' ? `'${value}'` : JSON.stringify(value)}`;

/** A number, or the text itself when it is none (so that the message shows what was typed). */
function numberFromText(text: string): unknown {
  const n = Number(text);
  return text.trim() === '' || Number.isNaN(n) ? text : n;
}

interface Bounds {
  min: number;
  /** min itself is not allowed (a learning rate of 0 trains nothing). */
  minExclusive?: boolean;
  max: number;
}

function boundsText({ min, minExclusive, max }: Bounds): string {
  return `${minExclusive ? '>' : '>='} ${min} and <= ${max}`;
}

function outOfBounds(n: number, { min, minExclusive, max }: Bounds): boolean {
  return n > max || (minExclusive ? n <= min : n < min);
}

export function integer(bounds: Bounds): OptionValue<number> {
  const expected = `an integer ${boundsText(bounds)}`;
  return {
    expected,
    isSwitch: false,
    problem: (value) =>
      typeof value !== 'number' || !Number.isInteger(value) || outOfBounds(value, bounds) ? `must be ${expected}, ${got(value)}` : undefined,
    fromText: numberFromText,
    toText: String,
  };
}

/** A finite number within bounds: an lr of 1e308 is refused, not trained until it overflows. */
export function number(bounds: Bounds): OptionValue<number> {
  const expected = `a number ${boundsText(bounds)}`;
  return {
    expected,
    isSwitch: false,
    problem: (value) => (typeof value !== 'number' || !Number.isFinite(value) || outOfBounds(value, bounds) ? `must be ${expected}, ${got(value)}` : undefined),
    fromText: numberFromText,
    toText: String,
  };
}

/** A comma-separated list of integers on the command line (or `none`, the empty list), an array in a grid and in config.json. */
export function integerList(bounds: Bounds): OptionValue<number[]> {
  const expected = `'none' or a list of integers ${boundsText(bounds)} such as 100,200`;
  const bad = (n: unknown) => typeof n !== 'number' || !Number.isInteger(n) || outOfBounds(n, bounds);
  return {
    expected,
    isSwitch: false,
    problem: (value) => (!Array.isArray(value) || value.some(bad) ? `must be ${expected}, ${got(value)}` : undefined),
    fromText: (text) => (text.trim() === 'none' ? [] : text.split(',').map((part) => numberFromText(part))),
    toText: (value) => (value.length === 0 ? 'none' : value.join(',')),
  };
}

export function oneOf<const T extends string>(choices: readonly T[]): OptionValue<T> {
  const expected = `one of ${choices.join(', ')}`;
  return {
    expected,
    isSwitch: false,
    problem: (value) => (typeof value !== 'string' || !choices.includes(value as T) ? `must be ${expected}, ${got(value)}` : undefined),
    fromText: (text) => text,
    toText: (value) => value,
  };
}

/** A name from a registry (datasets, models), checked before anything is loaded. */
export function registered(what: string, names: () => readonly string[]): OptionValue<string> {
  return {
    get expected() {
      return `a ${what} name: ${names().join(', ')}`;
    },
    isSwitch: false,
    problem: (value) =>
      typeof value !== 'string' || !names().includes(value)
        ? `unknown ${what} ${got(value).replace(/^got /, '')}; expected one of ${names().join(', ')}`
        : undefined,
    fromText: (text) => text,
    toText: (value) => value,
  };
}

/** Text matching a pattern (a device, a measurement schedule). */
export function pattern(expected: string, regex: RegExp): OptionValue<string> {
  return {
    expected,
    isSwitch: false,
    problem: (value) => (typeof value !== 'string' || !regex.test(value) ? `must be ${expected}, ${got(value)}` : undefined),
    fromText: (text) => text,
    toText: (value) => value,
  };
}

export function text(): OptionValue<string> {
  return {
    expected: 'a non-empty text',
    isSwitch: false,
    problem: (value) => (typeof value !== 'string' || value.length === 0 ? `must be a non-empty text, ${got(value)}` : undefined),
    fromText: (value) => value,
    toText: (value) => value,
  };
}

export function flag(): OptionValue<boolean> {
  return {
    expected: 'true or false',
    isSwitch: true,
    problem: (value) => (typeof value !== 'boolean' ? `is a switch: expected true or false, ${got(value)}` : undefined),
    fromText: (value) => value,
    toText: String,
  };
}
