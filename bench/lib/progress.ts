// Progress on stderr, so that a full run (many minutes) shows where it is, while stdout
// carries only the report and can be redirected into a file.

const started = performance.now();

function stamp(): string {
  const seconds = Math.round((performance.now() - started) / 1000);
  return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}

export function say(message: string): void {
  process.stderr.write(`[bench ${stamp()}] ${message}\n`);
}

/** Announces a part and returns the function that reports how it ended. */
export function begin(part: string): (outcome: string) => void {
  say(`▶ ${part} …`);
  return (outcome) => say(`  ${part}: ${outcome}`);
}
