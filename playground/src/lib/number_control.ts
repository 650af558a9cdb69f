// A labelled number input with a range slider beside it, kept in step: type an exact value
// or drag (or use the arrow keys on either). The number input is the value; the slider only
// covers a useful range of it.

export interface NumberControlOptions {
  id: string;
  label: string;
  value: number;
  min: number;
  max: number;
  step: number;
  /** Said to screen readers and shown below the control. */
  hint?: string;
}

export interface NumberControl {
  element: HTMLElement;
  input: HTMLInputElement;
  /** The typed value, or NaN while the box holds no number. */
  value(): number;
}

export function numberControl(options: NumberControlOptions, onChange: () => void): NumberControl {
  const element = document.createElement('div');
  element.className = 'control';
  const label = document.createElement('label');
  label.htmlFor = options.id;
  label.textContent = options.label;
  const pair = document.createElement('div');
  pair.className = 'pair';
  const input = document.createElement('input');
  input.type = 'number';
  input.id = options.id;
  input.step = 'any';
  input.value = String(options.value);
  input.inputMode = 'decimal';
  const slider = document.createElement('input');
  slider.type = 'range';
  slider.id = `${options.id}-range`;
  slider.min = String(options.min);
  slider.max = String(options.max);
  slider.step = String(options.step);
  slider.value = String(options.value);
  slider.setAttribute('aria-label', `${options.label} (slider)`);
  pair.append(input, slider);
  element.append(label, pair);
  if (options.hint !== undefined) {
    const hint = document.createElement('p');
    hint.className = 'hint';
    hint.id = `${options.id}-hint`;
    hint.textContent = options.hint;
    input.setAttribute('aria-describedby', hint.id);
    element.append(hint);
  }
  input.addEventListener('input', () => {
    if (Number.isFinite(input.valueAsNumber)) slider.value = String(input.valueAsNumber);
    onChange();
  });
  slider.addEventListener('input', () => {
    input.value = slider.value;
    onChange();
  });
  return { element, input, value: () => input.valueAsNumber };
}
