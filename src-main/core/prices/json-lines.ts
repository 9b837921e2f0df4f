/** 1-based line of character `offset` in `text`. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The offset a JSON.parse SyntaxError points at ("... at position 42" or "(line 3 column 5)"), if it says. */
export function syntaxErrorLine(text: string, error: SyntaxError): number | null {
  const line = /line (\d+) column \d+/.exec(error.message);
  if (line) return Number(line[1]);
  const position = /at position (\d+)/.exec(error.message);
  return position ? lineAt(text, Number(position[1])) : null;
}

/**
 * The line where the value at `path` starts in a JSON text that already parsed. It follows the
 * path key by key (and element by element through arrays) with a small scanner, so a message can
 * say "line 7" next to the field's name. Returns the deepest line found when the path ends early.
 */
export function lineOfPath(text: string, path: ReadonlyArray<PropertyKey>): number {
  let pos = skipSpace(text, 0);
  let line = lineAt(text, pos);
  for (const step of path) {
    const ch = text[pos];
    if (ch === '{' && typeof step === 'string') {
      const at = findMember(text, pos, step);
      if (at === null) return line;
      pos = at;
    } else if (ch === '[' && typeof step === 'number') {
      const at = findElement(text, pos, step);
      if (at === null) return line;
      pos = at;
    } else {
      return line;
    }
    line = lineAt(text, pos);
  }
  return line;
}

function skipSpace(text: string, pos: number): number {
  while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  return pos;
}

/** End offset (exclusive) of the JSON value starting at `pos`. */
function skipValue(text: string, pos: number): number {
  const ch = text[pos];
  if (ch === '"') {
    for (let i = pos + 1; i < text.length; i++) {
      if (text[i] === '\\') i++;
      else if (text[i] === '"') return i + 1;
    }
    return text.length;
  }
  if (ch === '{' || ch === '[') {
    let depth = 0;
    for (let i = pos; i < text.length; i++) {
      const c = text[i];
      if (c === '"') i = skipValue(text, i) - 1;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return text.length;
  }
  let i = pos;
  while (i < text.length && !/[\s,\]}]/.test(text[i]!)) i++;
  return i;
}

function findMember(text: string, open: number, key: string): number | null {
  let pos = skipSpace(text, open + 1);
  while (pos < text.length && text[pos] === '"') {
    const keyEnd = skipValue(text, pos);
    const name = JSON.parse(text.slice(pos, keyEnd)) as string;
    const valueAt = skipSpace(text, skipSpace(text, keyEnd) + 1);
    if (name === key) return valueAt;
    pos = skipSpace(text, skipValue(text, valueAt));
    if (text[pos] === ',') pos = skipSpace(text, pos + 1);
  }
  return null;
}

function findElement(text: string, open: number, index: number): number | null {
  let pos = skipSpace(text, open + 1);
  for (let i = 0; pos < text.length && text[pos] !== ']'; i++) {
    if (i === index) return pos;
    pos = skipSpace(text, skipValue(text, pos));
    if (text[pos] === ',') pos = skipSpace(text, pos + 1);
  }
  return null;
}
