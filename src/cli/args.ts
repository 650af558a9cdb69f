// A small, strict flag parser: every flag is declared, so a typo is an error, not a no-op.

import { printable } from '../io/printable.js';
import { closest } from './suggest.js';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type FlagType = 'int' | 'number' | 'string' | 'boolean';

export interface FlagSpec {
  type: FlagType;
  help: string;
  default?: number | string | boolean;
  /** Allowed values, for string flags. */
  choices?: readonly string[];
  /** Lower bound for numbers (inclusive unless exclusiveMin). */
  min?: number;
  /** Upper bound for numbers (inclusive). */
  max?: number;
  /** Why `max` is the bound, said when a value exceeds it. */
  maxReason?: string;
  exclusiveMin?: boolean;
  /** Placeholder in --help, e.g. N or DIR. */
  arg?: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

/** Flags by camel-cased name: --batch-size becomes batchSize. */
export type ParsedFlags<S extends FlagSpecs> = {
  [K in keyof S & string as CamelCase<K>]: S[K]['type'] extends 'boolean' ? boolean
    : S[K]['type'] extends 'string' ? string | undefined
    : number | undefined;
};

export interface Parsed<S extends FlagSpecs> {
  flags: ParsedFlags<S>;
  positional: string[];
  help: boolean;
  /** Flags that appeared on the command line (not defaulted), by their dashed name. */
  given: Set<string>;
}

export function parseArgs<S extends FlagSpecs>(command: string, argv: readonly string[], specs: S): Parsed<S> {
  const flags: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) flags[camel(name)] = spec.default ?? (spec.type === 'boolean' ? false : undefined);
  const positional: string[] = [];
  const given = new Set<string>();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) throw new UsageError(`${command}: unknown option ${arg} (see nabla ${command} --help)`);
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const spec = specs[name];
    if (!spec) {
      const guess = name.length <= 40 ? closest(name, Object.keys(specs)) : undefined;
      const hint = guess ? `did you mean --${guess}?` : `see nabla ${command} --help`;
      throw new UsageError(`${command}: unknown option --${printable(name, 40)} (${hint})`);
    }
    // The last of two values silently winning hides a mistake in a long command line.
    if (given.has(name)) throw new UsageError(`${command}: --${name} is given more than once`);
    given.add(name);
    if (spec.type === 'boolean') {
      if (eq !== -1) throw new UsageError(`${command}: --${name} takes no value`);
      flags[camel(name)] = true;
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) value = argv[++i];
    if (value === undefined || value === '') throw new UsageError(`${command}: --${name} needs a value (${spec.arg ?? spec.type})`);
    flags[camel(name)] = convert(command, name, spec, value);
  }
  return { flags: flags as ParsedFlags<S>, positional, help, given };
}

/** Plain decimal digits, optionally negative. */
const INTEGER = /^-?\d+$/;
/** Plain decimal notation with an optional exponent: 0.1, .5, 1e-3, -2.5E+4. */
const DECIMAL = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function convert(command: string, name: string, spec: FlagSpec, value: string): string | number {
  if (spec.type === 'string') {
    if (spec.choices && !spec.choices.includes(value)) throw new UsageError(`${command}: --${name} must be one of ${spec.choices.join(', ')}, got '${value}'`);
    return value;
  }
  const isInt = spec.type === 'int';
  // Number() would also take 0x3, 0b11, ' 3', 3e0 and Infinity; a flag takes what a person writes.
  const number = (isInt ? INTEGER : DECIMAL).test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(number) || (isInt && !Number.isSafeInteger(number))) {
    throw new UsageError(`${command}: --${name} must be ${isInt ? 'an integer' : 'a number'}, got '${value}'`);
  }
  if (spec.min !== undefined && (spec.exclusiveMin ? number <= spec.min : number < spec.min)) {
    throw new UsageError(`${command}: --${name} must be ${spec.exclusiveMin ? '>' : '≥'} ${spec.min}, got ${value}`);
  }
  if (spec.max !== undefined && number > spec.max) {
    throw new UsageError(`${command}: --${name} must be ≤ ${spec.max}${spec.maxReason ? ` (${spec.maxReason})` : ''}, got ${value}`);
  }
  return number;
}

export function formatHelp(usage: string, description: string, specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const left = `  --${name}${spec.type === 'boolean' ? '' : ` ${spec.arg ?? (spec.choices ? spec.choices.join('|') : spec.type === 'string' ? 'VALUE' : 'N')}`}`;
    const dflt = spec.default !== undefined && spec.type !== 'boolean' ? ` (default: ${spec.default})` : '';
    return [left, `${spec.help}${dflt}`] as const;
  });
  rows.push(['  --help', 'show this help']);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return `Usage: ${usage}\n\n${description}\n\nOptions:\n${rows.map(([l, r]) => l.padEnd(width) + r).join('\n')}\n`;
}

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
