// node:test's describe/it for a browser page, so the kernel suite's own files run there
// unchanged (the bundler maps 'node:test' here). Tests register, then runRegistered() runs
// them in order, as `node --test` does with one file at a time.

type Body = () => void | Promise<void>;

interface Registered {
  name: string;
  body: Body;
}

const registered: Registered[] = [];
const path: string[] = [];

export function describe(name: string, body: () => void): void {
  path.push(name);
  try {
    body();
  } finally {
    path.pop();
  }
}

export function it(name: string, body: Body): void {
  registered.push({ name: [...path, name].join(' › '), body });
}

export const test = it;

export interface TestOutcome {
  name: string;
  ok: boolean;
  error?: string;
  ms: number;
}

export async function runRegistered(): Promise<TestOutcome[]> {
  const outcomes: TestOutcome[] = [];
  for (const { name, body } of registered) {
    const start = performance.now();
    try {
      await body();
      outcomes.push({ name, ok: true, ms: performance.now() - start });
    } catch (error) {
      outcomes.push({ name, ok: false, error: error instanceof Error ? error.message : String(error), ms: performance.now() - start });
    }
  }
  return outcomes;
}
