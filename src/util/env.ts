// Environment variables where there are any (Node, Deno, Bun), nothing in a browser: the
// core reads NABLA_BACKEND and NABLA_THREADS without depending on Node's `process`.

interface WithProcess {
  process?: { env?: Record<string, string | undefined> };
}

export function envVar(name: string): string | undefined {
  return (globalThis as WithProcess).process?.env?.[name];
}
