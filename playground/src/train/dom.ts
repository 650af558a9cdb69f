// The Train page's elements, found by id: a page that lacks one is a bug in train.html.

export function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`train.html has no #${id}`);
  return found as T;
}
