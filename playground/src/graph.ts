// The Graph page: the book's apple graphs, recomputed by MulLayer/AddLayer forward and
// backward whenever an input changes, and a free-form expression's autograd graph.

import { buyApple, buyAppleOrange, type AppleInputs, type AppleResult } from './lib/apple_graphs.js';
import { evaluateExpression, expressionNames } from './lib/expression_graph.js';
import { showBackend } from './lib/footer.js';
import { formatNumber } from './lib/format.js';
import { numberControl, type NumberControl } from './lib/number_control.js';
import { showSvg } from './lib/svg_figure.js';

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`graph.html has no #${id}`);
  return element as T;
}

// ---- the apple graphs ----

const APPLE_CONTROLS: Array<{ key: keyof AppleInputs; label: string; value: number; min: number; max: number; step: number }> = [
  { key: 'apple', label: 'Apple price (apple)', value: 100, min: 0, max: 500, step: 1 },
  { key: 'appleNum', label: 'Apples (apple_num)', value: 2, min: 0, max: 10, step: 1 },
  { key: 'orange', label: 'Orange price (orange)', value: 150, min: 0, max: 500, step: 1 },
  { key: 'orangeNum', label: 'Oranges (orange_num)', value: 3, min: 0, max: 10, step: 1 },
  { key: 'tax', label: 'Tax factor (tax)', value: 1.1, min: 1, max: 2, step: 0.01 },
];

const appleControls = new Map<keyof AppleInputs, NumberControl>();
for (const spec of APPLE_CONTROLS) {
  const control = numberControl({ id: `input-${spec.key}`, ...spec }, updateApples);
  appleControls.set(spec.key, control);
  byId('apple-controls').append(control.element);
}

function fillTable(table: HTMLTableElement, result: AppleResult): void {
  const rows = Object.keys(result.values).map((name) => {
    const row = document.createElement('tr');
    row.dataset.variable = name;
    const head = document.createElement('th');
    head.scope = 'row';
    head.textContent = name;
    const value = document.createElement('td');
    value.className = 'value';
    value.textContent = formatNumber(result.values[name]!);
    const grad = document.createElement('td');
    grad.className = 'gradient';
    grad.textContent = formatNumber(result.grads[name]!);
    row.append(head, value, grad);
    return row;
  });
  table.tBodies[0]!.replaceChildren(...rows);
}

function updateApples(): void {
  const inputs = {} as AppleInputs;
  for (const spec of APPLE_CONTROLS) {
    const value = appleControls.get(spec.key)!.value();
    if (!Number.isFinite(value)) {
      byId('apple-error').textContent = `${spec.label}: enter a number`;
      for (const id of ['apple-figure', 'apple-numbers', 'orange-figure', 'orange-numbers']) byId(id).classList.add('stale');
      return;
    }
    inputs[spec.key] = value;
  }
  byId('apple-error').textContent = '';
  const apple = buyApple(inputs);
  const price = apple.values.price!;
  // The book prints 220.00000000000003 and truncates it; this page rounds, and says so.
  byId('apple-exact').textContent = formatNumber(price) === String(price) ? '' : `Numbers are shown to 12 significant digits: in float64 the price is ${price}, as the book's Python prints it.`;
  for (const [figure, table, result] of [
    ['apple-figure', 'apple-numbers', apple],
    ['orange-figure', 'orange-numbers', buyAppleOrange(inputs)],
  ] as const) {
    showSvg(byId(figure), result.svg);
    fillTable(byId<HTMLTableElement>(table), result);
    byId(figure).classList.remove('stale');
    byId(table).classList.remove('stale');
  }
}

// ---- the expression ----

const expressionInput = byId<HTMLInputElement>('expression');
const orderSelect = byId<HTMLSelectElement>('order');
/** Values typed for variables, kept while a name comes and goes as the expression is edited. */
const remembered = new Map<string, number>([['x', 2]]);
let variableControls = new Map<string, NumberControl>();

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';
function superscript(k: number): string {
  return k === 1 ? '' : [...String(k)].map((d) => SUPERSCRIPT[Number(d)]).join('');
}

/** One box per variable of the expression, rebuilt only when the names change. */
function syncVariables(names: readonly string[]): void {
  if (names.length === variableControls.size && names.every((n, i) => [...variableControls.keys()][i] === n)) return;
  for (const [name, control] of variableControls) if (Number.isFinite(control.value())) remembered.set(name, control.value());
  const next = new Map<string, NumberControl>();
  for (const name of names) {
    next.set(name, numberControl({ id: `var-${name}`, label: name, value: remembered.get(name) ?? 1, min: -5, max: 5, step: 0.1 }, updateExpression));
  }
  variableControls = next;
  byId('expression-variables').replaceChildren(...[...next.values()].map((c) => c.element));
}

function showExpressionError(message: string): void {
  byId('expression-error').textContent = message;
  expressionInput.setAttribute('aria-invalid', 'true');
  byId('expression-output').classList.add('stale');
}

function updateExpression(): void {
  const source = expressionInput.value;
  if (source.trim() === '') {
    showExpressionError('Type an expression, such as x**2 * y');
    return;
  }
  const found = expressionNames(source);
  if ('error' in found) {
    showExpressionError(`Cannot read the expression: ${found.error}`);
    return;
  }
  syncVariables(found.names);
  const values = new Map([...variableControls].map(([name, control]) => [name, control.value()]));
  const result = evaluateExpression(source, values, Number(orderSelect.value));
  if (!result.ok) {
    showExpressionError(`Cannot compute the expression: ${result.error}`);
    return;
  }
  byId('expression-error').textContent = '';
  expressionInput.removeAttribute('aria-invalid');
  byId('expression-output').classList.remove('stale');
  const d = found.names.length === 1 ? 'd' : '∂';
  const lines = [`${result.name} = ${result.value}`, ...result.derivatives.map((r) => {
    const k = superscript(r.order);
    const doubt = r.doubtful === undefined ? '' : ` (not to be trusted: float64 rounding may be off by ${Number.isFinite(r.doubtful) ? `up to ${r.doubtful.toPrecision(3)}` : 'anything'})`;
    return `${d}${k}${result.name}/${d}${r.variable}${k} = ${r.value}${doubt}`;
  })];
  byId('expression-results').replaceChildren(...lines.map((text) => {
    const item = document.createElement('li');
    item.textContent = text;
    return item;
  }));
  showSvg(byId('expression-figure'), result.svg);
}

expressionInput.addEventListener('input', updateExpression);
orderSelect.addEventListener('change', updateExpression);

void showBackend({ threads: 1 }); // this page computes too little for worker threads to pay
updateApples();
updateExpression();
