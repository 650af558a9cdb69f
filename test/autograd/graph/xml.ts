// A small XML well-formedness check for the SVGs the graph code writes: tags nest and
// close, attributes are quoted and unique, text and attribute values hold no raw < or
// stray &, and there is one root element.

import assert from 'node:assert/strict';

const NAME = '[A-Za-z_][\\w.:-]*';
const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/y;
const TAG = new RegExp(`<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>`, 'y');
const ATTRIBUTE = new RegExp(`(${NAME})\\s*=\\s*(?:"([^"<]*)"|'([^'<]*)')`, 'g');

/** Throws (an assertion) where `xml` is not well-formed. */
export function assertWellFormedXml(xml: string): void {
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  const checkText = (text: string, where: number): void => {
    for (let j = text.indexOf('&'); j !== -1; j = text.indexOf('&', j + 1)) {
      ENTITY.lastIndex = j;
      assert.ok(ENTITY.test(text), `a bare & at offset ${where + j}: ${text.slice(j, j + 20)}`);
    }
  };
  while (i < xml.length) {
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i);
      assert.ok(end !== -1, 'unclosed comment');
      i = end + 3;
      continue;
    }
    if (xml.startsWith('<?', i)) {
      const end = xml.indexOf('?>', i);
      assert.ok(end !== -1, 'unclosed declaration');
      i = end + 2;
      continue;
    }
    if (xml[i] === '<') {
      TAG.lastIndex = i;
      const m = TAG.exec(xml);
      assert.ok(m, `a malformed tag at offset ${i}: ${xml.slice(i, i + 60)}`);
      const [whole, closing, name, attributes, selfClosing] = m;
      if (closing) {
        assert.equal(attributes!.trim(), '', `attributes on </${name}>`);
        assert.equal(stack.pop(), name, `</${name}> at offset ${i} closes another element`);
      } else {
        if (stack.length === 0) roots++;
        const seen = new Set<string>();
        for (const a of attributes!.matchAll(ATTRIBUTE)) {
          assert.ok(!seen.has(a[1]!), `attribute ${a[1]} twice in <${name}>`);
          seen.add(a[1]!);
          checkText(a[2] ?? a[3] ?? '', i);
        }
        if (!selfClosing) stack.push(name!);
      }
      i += whole.length;
      continue;
    }
    const next = xml.indexOf('<', i);
    const text = xml.slice(i, next === -1 ? undefined : next);
    if (stack.length === 0) assert.equal(text.trim(), '', `text outside the root element: ${text.slice(0, 40)}`);
    checkText(text, i);
    i += text.length;
  }
  assert.deepEqual(stack, [], 'unclosed elements');
  assert.equal(roots, 1, 'one root element');
}
