// The Draw page: draw a digit, and see the 28×28 input the network sees (prepared as `nabla
// predict` prepares a picture) and its ten class probabilities, updated as you draw, at most
// once per animation frame. The model is a shipped one, a file the user picks, or one the
// Train page posts (see draw/models.ts).

import { drawingToMnistInput } from '../../src/data/drawn_digit.js';
import { classifyDigit } from '../../src/eval/mnist_classifier.js';
import { fetchShippedModel, fileModel, listenForModels, modelFromBytes, SHIPPED_MODELS, type DrawModel } from './draw/models.js';
import { DrawingPad } from './draw/pad.js';
import { formatProbability, ProbabilityBars, showInput } from './draw/results.js';
import { MnistSamples } from './draw/samples.js';
import { showBackend } from './lib/footer.js';
import { oneLine } from './lib/one_line.js';

function element<T extends HTMLElement>(id: string, type: { new (): T; prototype: T }): T {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`draw.html has no ${type.name} #${id}`);
  return found;
}


const padCanvas = element('pad', HTMLCanvasElement);
const preview = element('preview', HTMLCanvasElement);
const guessLine = element('guess', HTMLParagraphElement);
const announcer = element('announce', HTMLParagraphElement);
const timing = element('timing', HTMLSpanElement);
const clearButton = element('clear', HTMLButtonElement);
const sampleButton = element('sample', HTMLButtonElement);
const sampleNote = element('sample-note', HTMLParagraphElement);
const modelSelect = element('model', HTMLSelectElement);
const modelFile = element('model-file', HTMLInputElement);
const modelStatus = element('model-status', HTMLParagraphElement);
const modelError = element('model-error', HTMLParagraphElement);
const bars = new ProbabilityBars(element('bars', HTMLOListElement));

let model: DrawModel | undefined;
/** The select's value for the model in use. */
let modelChoice = '';
/** Models loaded so far, by the select's value: switching back costs nothing. */
const loaded = new Map<string, DrawModel>();
/** Bumped by every choice of model, so that a slow load cannot override a later choice. */
let choosing = 0;
let frame = 0;
/** Set when no model could be loaded: the guess then says to choose one, not to wait. */
let noModel = false;
/** Say the next result to screen readers: a stroke ended, or the digit or model changed. */
let announceNext = false;
const samples = new MnistSamples();
let nextSample = 0;

const pad = new DrawingPad(padCanvas, (ended) => {
  if (ended) {
    announceNext = true;
    sampleNote.textContent = '';
  }
  schedule();
});

function schedule(): void {
  if (frame === 0) frame = requestAnimationFrame(update);
}

function say(text: string, label?: number): void {
  guessLine.textContent = text;
  if (label === undefined) delete guessLine.dataset.label;
  else guessLine.dataset.label = String(label);
  if (announceNext) {
    announcer.textContent = text;
    announceNext = false;
  }
}

function milliseconds(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

function update(): void {
  frame = 0;
  const started = performance.now();
  const { width, height, data } = pad.pixels();
  let input: Float64Array | undefined;
  try {
    input = drawingToMnistInput(width, height, data);
  } catch {
    // The pad's own pixels are always well formed: what fails is finding a digit, when
    // the ink covers the paper and so is the paper.
    showInput(preview, undefined);
    bars.show(undefined);
    timing.textContent = '';
    say('No digit found in the drawing: clear it and draw again.');
    return;
  }
  const prepared = performance.now();
  showInput(preview, input);
  if (input === undefined) {
    bars.show(undefined);
    timing.textContent = '';
    say('Draw a digit in the box.');
    return;
  }
  if (model === undefined) {
    bars.show(undefined);
    say(noModel ? 'No model to read it with: choose or load one below.' : 'Waiting for the model…');
    return;
  }
  let guess;
  try {
    guess = classifyDigit(model.network, input);
  } catch (error) {
    bars.show(undefined);
    say(`${model.name}: ${oneLine(error)}`);
    return;
  }
  const classified = performance.now();
  bars.show(guess.probabilities, guess.label);
  say(`It looks like a ${guess.label} (${formatProbability(guess.probabilities[guess.label]!)}).`, guess.label);
  timing.textContent = `Prepared in ${milliseconds(prepared - started)}, classified by ${model.name} in ${milliseconds(classified - prepared)}.`;
}

function describe(m: DrawModel): string {
  const where = m.origin === 'shipped' ? 'shipped with nabla' : m.origin === 'file' ? 'your file' : 'trained on the Train page';
  return `Model: ${m.name} (${where}): ${m.description}.`;
}

function showModel(): void {
  if (model === undefined) {
    modelStatus.textContent = 'Model: none loaded.';
    delete modelStatus.dataset.model;
    return;
  }
  modelStatus.textContent = describe(model);
  modelStatus.dataset.model = model.name;
  modelStatus.dataset.origin = model.origin;
}

function use(choice: string, next: DrawModel): void {
  model = next;
  modelChoice = choice;
  modelSelect.value = choice;
  modelError.textContent = '';
  showModel();
  announceNext = true;
  schedule();
}

/** A load failed: one line in the page, the model in use kept and the select showing it. */
function refuse(error: unknown): void {
  modelError.textContent = oneLine(error);
  modelSelect.value = modelChoice;
  noModel = model === undefined;
  showModel();
  schedule();
}

async function chooseShipped(name: string): Promise<void> {
  const ticket = ++choosing;
  const cached = loaded.get(name);
  if (cached !== undefined) {
    use(name, cached);
    return;
  }
  modelStatus.textContent = `Model: loading ${name}…`;
  try {
    const next = await fetchShippedModel(name);
    loaded.set(name, next);
    if (ticket === choosing) use(name, next);
  } catch (error) {
    if (ticket === choosing) refuse(error);
  }
}

function offer(choice: 'file' | 'trained', next: DrawModel, label: string): void {
  loaded.set(choice, next);
  const option = modelSelect.querySelector<HTMLOptionElement>(`option[value="${choice}"]`);
  if (option !== null) {
    option.textContent = label;
    option.disabled = false;
  }
  ++choosing;
  use(choice, next);
}

async function chooseFile(file: File): Promise<void> {
  const ticket = ++choosing;
  try {
    const next = await fileModel(file);
    if (ticket === choosing) offer('file', next, `${next.name}: your file`);
  } catch (error) {
    if (ticket === choosing) refuse(error);
  }
}

modelSelect.addEventListener('change', () => {
  const choice = modelSelect.value;
  if ((SHIPPED_MODELS as readonly string[]).includes(choice)) {
    void chooseShipped(choice);
  } else {
    const cached = loaded.get(choice);
    if (cached !== undefined) {
      ++choosing;
      use(choice, cached);
    }
  }
});

modelFile.addEventListener('change', () => {
  const file = modelFile.files?.[0];
  // Emptied, so that picking the same file again (written anew, say) reads it again.
  modelFile.value = '';
  if (file !== undefined) void chooseFile(file);
});

clearButton.addEventListener('click', () => {
  pad.clear();
  sampleNote.textContent = '';
  announceNext = true;
  schedule();
});

sampleButton.addEventListener('click', () => {
  void (async () => {
    sampleNote.classList.remove('error');
    if (nextSample === 0) sampleNote.textContent = "Loading MNIST's test set…";
    try {
      const sample = await samples.get(nextSample);
      nextSample = sample.index + 1;
      pad.showDigit(sample.pixels);
      sampleNote.textContent = `MNIST test digit ${sample.index + 1} of ${sample.count}, labelled ${sample.label}. Press again for the next.`;
      announceNext = true;
      schedule();
    } catch (error) {
      sampleNote.classList.add('error');
      sampleNote.textContent = oneLine(error);
    }
  })();
});

schedule();

void (async () => {
  // The kernels first: a network is then built on the backend it will run on.
  await showBackend();
  listenForModels((posted) => {
    try {
      const next = modelFromBytes(posted.bytes, posted.name, 'trained');
      offer('trained', next, `${next.name}: trained on the Train page`);
    } catch (error) {
      modelError.textContent = oneLine(error);
    }
  });
  if (model === undefined) await chooseShipped(modelSelect.value);
})();
