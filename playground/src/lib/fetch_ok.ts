// fetch() for the pages' own files (MNIST, models), whose failures are one line naming the
// URL: why it could not be fetched, or what the server answered.

export async function fetchOk(url: string, hint = ''): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`${url}: could not be fetched (${error instanceof Error ? error.message : String(error)})${hint}`);
  }
  if (!response.ok) throw new Error(`${url}: the server answered ${response.status} ${response.statusText}`.trimEnd());
  return response;
}

export async function fetchBytes(url: string): Promise<Uint8Array> {
  return new Uint8Array(await (await fetchOk(url)).arrayBuffer());
}
