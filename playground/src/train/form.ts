// The Train page's settings form: the optimizer and learning rate follow the network's and
// the optimizer's defaults (as `nabla train` picks them) until the user sets them, and a bad
// value is named in one line with the focus on its field.

import type { DType } from '../../../src/backend/backend.js';
import { describeNetwork } from '../../../src/nets/network_spec.js';
import type { OptimizerName } from '../../../src/optim/optimizer.js';
import { element } from './dom.js';
import { checkSettings, defaultLearningRate, defaultOptimizer, networkSpec, type PageNet, type SettingsText, type TrainSettings } from './settings.js';

const FIELDS = ['net', 'optimizer', 'learningRate', 'batchSize', 'dtype', 'iterations', 'seed'] as const satisfies readonly (keyof TrainSettings)[];

export class SettingsForm {
  private readonly fields = element<HTMLFieldSetElement>('settings-fields');
  private readonly inputs = Object.fromEntries(FIELDS.map((name) => [name, element<HTMLInputElement | HTMLSelectElement>(name)])) as Record<(typeof FIELDS)[number], HTMLInputElement | HTMLSelectElement>;
  private readonly description = element('net-description');
  /** Fields the user has set: they no longer follow the defaults. */
  private readonly touched = new Set<string>();

  constructor(private readonly error: HTMLElement) {
    const { inputs } = this;
    inputs.optimizer.addEventListener('change', () => {
      this.touched.add('optimizer');
      if (!this.touched.has('learningRate')) inputs.learningRate.value = String(defaultLearningRate(inputs.optimizer.value as OptimizerName));
    });
    inputs.learningRate.addEventListener('input', () => this.touched.add('learningRate'));
    inputs.net.addEventListener('change', () => {
      if (!this.touched.has('optimizer')) inputs.optimizer.value = defaultOptimizer(inputs.net.value as PageNet);
      if (!this.touched.has('learningRate')) inputs.learningRate.value = String(defaultLearningRate(inputs.optimizer.value as OptimizerName));
      this.describe();
    });
    inputs.dtype.addEventListener('change', () => this.describe());
    for (const input of Object.values(inputs)) {
      input.addEventListener('input', () => {
        input.removeAttribute('aria-invalid');
        this.error.textContent = '';
      });
    }
    this.describe();
  }

  /** Locked while a run exists: its settings are the ones it started with. */
  set locked(locked: boolean) {
    this.fields.disabled = locked;
  }

  get dtype(): DType {
    return this.inputs.dtype.value === 'float64' ? 'float64' : 'float32';
  }

  /** The iterations asked for, for the plots' axes before a run starts (1 if the field is bad). */
  get iterations(): number {
    return Number(this.inputs.iterations.value) || 1;
  }

  /** The settings, or undefined after naming the bad field and focusing it. */
  read(): TrainSettings | undefined {
    const text = Object.fromEntries(FIELDS.map((name) => [name, this.inputs[name].value])) as SettingsText;
    const checked = checkSettings(text);
    if (checked.ok) return checked.settings;
    this.error.textContent = checked.message;
    this.inputs[checked.field].setAttribute('aria-invalid', 'true');
    this.inputs[checked.field].focus();
    return undefined;
  }

  private describe(): void {
    const net = this.inputs.net.value as PageNet;
    try {
      this.description.textContent = `${describeNetwork(networkSpec({ net, dtype: this.dtype, seed: 42 }))}, in ${this.dtype}.`;
    } catch {
      this.description.textContent = '';
    }
  }
}
