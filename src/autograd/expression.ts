// A small expression language over autograd functions, for trying derivatives by hand:
// numbers (1, 2.5, .5, 1e-3), named variables, + - * / ** (Python's precedence: ** binds
// tightest and to the right, and tighter than a unary minus on its left, so -x**2 is
// -(x**2) and 2**-1 is 0.5), parentheses, and exp log sin cos tanh. A recursive-descent
// parser builds a tree; building it calls the autograd functions, so the result is a
// Variable with its whole graph. Nothing is ever evaluated as JavaScript.

import { add, type Variable } from './core.js';
import { cos } from './functions/cos.js';
import { div } from './functions/div.js';
import { exp } from './functions/exp.js';
import { log } from './functions/log.js';
import { mul } from './functions/mul.js';
import { neg } from './functions/neg.js';
import { pow } from './functions/pow.js';
import { sin } from './functions/sin.js';
import { sub } from './functions/sub.js';
import { tanh } from './functions/tanh.js';
import { escapeUnsafe } from '../io/printable.js';

export const EXPRESSION_FUNCTIONS = { exp, log, sin, cos, tanh } as const;
type FunctionName = keyof typeof EXPRESSION_FUNCTIONS;

/** A mistake in an expression, at a 1-based column. */
export class ExpressionError extends Error {
  constructor(message: string, readonly column: number, hint?: string) {
    super(`${message} at column ${column}${hint === undefined ? '' : ` (${hint})`}`);
    this.name = 'ExpressionError';
  }
}

export type Expression =
  | { kind: 'number'; value: number; column: number }
  | { kind: 'variable'; name: string; column: number }
  | { kind: 'call'; name: FunctionName; arg: Expression; column: number }
  | { kind: 'unary'; op: '-' | '+'; arg: Expression; column: number }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/' | '**'; left: Expression; right: Expression; column: number };

/** Deeper nesting than any hand-written expression; the bound keeps the parser's recursion safe. */
const MAX_DEPTH = 200;
/** Bounds the tree's size, and so the recursion of building it, for a flat x+x+…+x too. */
const MAX_TOKENS = 1000;

interface Token { type: 'number' | 'name' | 'op' | 'end'; text: string; column: number }

const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === ' ' || ch === '\t') { i++; continue; }
    const rest = source.slice(i);
    const number = NUMBER.exec(rest);
    const name = number ? null : NAME.exec(rest);
    if (number) {
      // 2x or 1.5.5: a number runs straight into more of itself.
      tokens.push({ type: 'number', text: number[0], column: i + 1 });
      i += number[0].length;
    } else if (name) {
      tokens.push({ type: 'name', text: name[0], column: i + 1 });
      i += name[0].length;
    } else if (rest.startsWith('**')) {
      tokens.push({ type: 'op', text: '**', column: i + 1 });
      i += 2;
    } else if ('+-*/()'.includes(ch)) {
      tokens.push({ type: 'op', text: ch, column: i + 1 });
      i++;
    } else {
      const cp = String.fromCodePoint(source.codePointAt(i)!);
      throw new ExpressionError(`unexpected character '${escapeUnsafe(cp)}'`, i + 1);
    }
    if (tokens.length > MAX_TOKENS) throw new ExpressionError(`expression longer than ${MAX_TOKENS} tokens`, tokens[tokens.length - 1]!.column);
  }
  tokens.push({ type: 'end', text: '', column: source.length + 1 });
  return tokens;
}

/** The expression's tree; an ExpressionError names the column of the first mistake. */
export function parseExpression(source: string): Expression {
  const tokens = tokenize(source);
  let pos = 0;
  let depth = 0;
  const peek = (): Token => tokens[pos]!;
  const unexpected = (t: Token): never => {
    throw new ExpressionError(t.type === 'end' ? 'unexpected end of expression' : `unexpected '${t.text}'`, t.column);
  };
  const deeper = <T>(t: Token, fn: () => T): T => {
    if (++depth > MAX_DEPTH) throw new ExpressionError(`expression nested more than ${MAX_DEPTH} deep`, t.column);
    try { return fn(); } finally { depth--; }
  };

  // sum := product (('+' | '-') product)*
  const sum = (): Expression => {
    let left = product();
    while (peek().type === 'op' && (peek().text === '+' || peek().text === '-')) {
      const op = tokens[pos++]!;
      left = { kind: 'binary', op: op.text as '+' | '-', left, right: product(), column: op.column };
    }
    return left;
  };
  // product := unary (('*' | '/') unary)*
  const product = (): Expression => {
    let left = unary();
    while (peek().type === 'op' && (peek().text === '*' || peek().text === '/')) {
      const op = tokens[pos++]!;
      left = { kind: 'binary', op: op.text as '*' | '/', left, right: unary(), column: op.column };
    }
    return left;
  };
  // unary := ('-' | '+') unary | power
  const unary = (): Expression => {
    const t = peek();
    if (t.type === 'op' && (t.text === '-' || t.text === '+')) {
      pos++;
      return deeper(t, () => ({ kind: 'unary', op: t.text as '-' | '+', arg: unary(), column: t.column }));
    }
    return power();
  };
  // power := primary ('**' unary)?  — right-associative through unary
  const power = (): Expression => {
    const base = primary();
    const t = peek();
    if (t.type === 'op' && t.text === '**') {
      pos++;
      return deeper(t, () => ({ kind: 'binary', op: '**', left: base, right: unary(), column: t.column }));
    }
    return base;
  };
  // primary := number | name | name '(' sum ')' | '(' sum ')'
  const primary = (): Expression => {
    const t = tokens[pos++]!;
    if (t.type === 'number') {
      const value = Number(t.text);
      if (!Number.isFinite(value)) throw new ExpressionError(`number ${t.text} is too large`, t.column);
      return { kind: 'number', value, column: t.column };
    }
    if (t.type === 'name') {
      const isCall = peek().type === 'op' && peek().text === '(';
      const known = Object.hasOwn(EXPRESSION_FUNCTIONS, t.text);
      if (isCall && !known) throw new ExpressionError(`unknown function '${t.text}'`, t.column, `functions: ${Object.keys(EXPRESSION_FUNCTIONS).join(', ')}`);
      if (!isCall && known) throw new ExpressionError(`function ${t.text} without its '('`, t.column, `write ${t.text}(…)`);
      if (!isCall) return { kind: 'variable', name: t.text, column: t.column };
      const open = tokens[pos++]!;
      const arg = deeper(open, sum);
      expect(')', open);
      return { kind: 'call', name: t.text as FunctionName, arg, column: t.column };
    }
    if (t.type === 'op' && t.text === '(') {
      const inner = deeper(t, sum);
      expect(')', t);
      return inner;
    }
    return unexpected(t);
  };
  const expect = (text: string, open: Token): void => {
    const t = peek();
    if (t.type === 'op' && t.text === text) { pos++; return; }
    if (t.type === 'end') throw new ExpressionError(`'(' at column ${open.column} is never closed`, t.column);
    unexpected(t);
  };

  const tree = sum();
  if (peek().type !== 'end') unexpected(peek());
  return tree;
}

/** The variables an expression uses, in order of first appearance. */
export function expressionVariables(e: Expression): string[] {
  const names: string[] = [];
  const stack = [e];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.kind === 'variable' && !names.includes(n.name)) names.push(n.name);
    else if (n.kind === 'call' || n.kind === 'unary') stack.push(n.arg);
    else if (n.kind === 'binary') stack.push(n.right, n.left);
  }
  return names;
}

/**
 * The expression as autograd calls on the given variables. A constant exponent is folded
 * to a number (pow takes a number); a variable one is refused, as pow cannot differentiate
 * by its exponent.
 */
export function buildExpression(e: Expression, variables: ReadonlyMap<string, Variable>): Variable | number {
  switch (e.kind) {
    case 'number':
      return e.value;
    case 'variable': {
      const v = variables.get(e.name);
      if (v === undefined) throw new ExpressionError(`unknown variable '${e.name}'`, e.column, variables.size > 0 ? `given: ${[...variables.keys()].join(', ')}` : undefined);
      return v;
    }
    case 'call': {
      const arg = buildExpression(e.arg, variables);
      return EXPRESSION_FUNCTIONS[e.name](arg);
    }
    case 'unary': {
      const arg = buildExpression(e.arg, variables);
      // -2 is the number -2, not a Neg node on a constant.
      if (e.op === '+' || typeof arg === 'number') return e.op === '-' ? -(arg as number) : arg;
      return neg(arg);
    }
    case 'binary': {
      if (e.op === '**') {
        if (expressionVariables(e.right).length > 0) throw new ExpressionError('the exponent of ** must be a constant', e.column, 'write exp(b*log(a)) for a**b');
        const c = constantValue(e.right);
        const base = buildExpression(e.left, variables);
        if (!Number.isFinite(c)) throw new ExpressionError(`the exponent of ** is ${c}, not a finite number`, e.column);
        return typeof base === 'number' ? base ** c : pow(base, c);
      }
      const left = buildExpression(e.left, variables);
      const right = buildExpression(e.right, variables);
      const op = { '+': add, '-': sub, '*': mul, '/': div }[e.op];
      return op(left, right);
    }
  }
}

/** The value of an expression without variables, in plain numbers (for exponents). */
function constantValue(e: Expression): number {
  switch (e.kind) {
    case 'number': return e.value;
    case 'variable': return Number.NaN; // unreachable: callers check for variables first
    case 'call': return ({ exp: Math.exp, log: Math.log, sin: Math.sin, cos: Math.cos, tanh: Math.tanh })[e.name](constantValue(e.arg));
    case 'unary': return e.op === '-' ? -constantValue(e.arg) : constantValue(e.arg);
    case 'binary': {
      const a = constantValue(e.left);
      const b = constantValue(e.right);
      return { '+': a + b, '-': a - b, '*': a * b, '/': a / b, '**': a ** b }[e.op];
    }
  }
}
