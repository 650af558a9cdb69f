/**
 * Makes a Node system error (one with an errno `code`) say which file the caller was
 * working on: a failed write() carries no path at all, and a failed write through a
 * temporary file names that file, which the user never asked for. Other values are
 * returned as they are.
 */
export function withPath(error: unknown, path: string, syscall: string): unknown {
  if (error !== null && typeof error === 'object' && typeof (error as { code?: unknown }).code === 'string') {
    Object.assign(error, { path, syscall });
  }
  return error;
}
