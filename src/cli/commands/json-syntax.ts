/**
 * Where JSON text goes wrong. `JSON.parse` does not always say (Node 20: `Unexpected token '}',
 * "{"a":}" is not valid JSON`), so this walks the JSON grammar (RFC 8259) to the first character
 * that cannot be there. It only runs on text `JSON.parse` refused.
 */

/** The first JSON syntax error of a text: its 0-based position and what is there. */
export interface JsonSyntaxError {
  position: number;
  /** The character found, quoted (`'}'`), or `end of input`. */
  found: string;
}

class Stop extends Error {
  constructor(readonly position: number) {
    super(`JSON syntax error at ${position}`);
  }
}

/**
 * The first syntax error of `text`, or undefined when it is valid JSON (or too deeply nested to
 * walk).
 *
 * @example
 * jsonSyntaxError('{"a":}'); // { position: 5, found: "'}'" }
 */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const walker = new Walker(text);
  try {
    walker.document();
    return undefined;
  } catch (error) {
    if (!(error instanceof Stop)) return undefined; // a RangeError: nesting deeper than the stack
    const at = text[error.position];
    if (at === undefined) return { position: error.position, found: 'end of input' };
    // A control character is shown escaped (`'\t'`), a single quote in double quotes, any other as it is.
    if (at === "'") return { position: error.position, found: `"'"` };
    return { position: error.position, found: `'${at < ' ' ? JSON.stringify(at).slice(1, -1) : at}'` };
  }
}

class Walker {
  private i = 0;

  constructor(private readonly s: string) {}

  document(): void {
    this.value();
    this.space();
    if (this.i < this.s.length) throw new Stop(this.i);
  }

  private space(): void {
    while (this.i < this.s.length && ' \t\n\r'.includes(this.s[this.i]!)) this.i++;
  }

  private value(): void {
    this.space();
    const c = this.s[this.i];
    if (c === '{') this.object();
    else if (c === '[') this.array();
    else if (c === '"') this.string();
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) this.number();
    else if (!['true', 'false', 'null'].some((word) => this.word(word))) throw new Stop(this.i);
  }

  /** Reads `word` here, or stops at its first wrong character when the text starts it. */
  private word(word: string): boolean {
    if (this.s[this.i] !== word[0]) return false;
    for (const ch of word) {
      if (this.s[this.i] !== ch) throw new Stop(this.i);
      this.i++;
    }
    return true;
  }

  private object(): void {
    this.i++; // {
    this.space();
    if (this.s[this.i] === '}') {
      this.i++;
      return;
    }
    for (;;) {
      this.space();
      if (this.s[this.i] !== '"') throw new Stop(this.i);
      this.string();
      this.space();
      this.expect(':');
      this.value();
      this.space();
      if (this.s[this.i] === '}') {
        this.i++;
        return;
      }
      this.expect(',');
    }
  }

  private array(): void {
    this.i++; // [
    this.space();
    if (this.s[this.i] === ']') {
      this.i++;
      return;
    }
    for (;;) {
      this.value();
      this.space();
      if (this.s[this.i] === ']') {
        this.i++;
        return;
      }
      this.expect(',');
    }
  }

  private string(): void {
    this.i++; // "
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined || c < ' ') throw new Stop(this.i);
      this.i++;
      if (c === '"') return;
      if (c !== '\\') continue;
      const e = this.s[this.i];
      if (e === 'u') {
        this.i++;
        for (let k = 0; k < 4; k++, this.i++) {
          if (!/^[0-9a-fA-F]$/.test(this.s[this.i] ?? '')) throw new Stop(this.i);
        }
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) this.i++;
      else throw new Stop(this.i);
    }
  }

  private number(): void {
    if (this.s[this.i] === '-') this.i++;
    if (this.s[this.i] === '0') this.i++;
    else this.digits();
    if (this.s[this.i] === '.') {
      this.i++;
      this.digits();
    }
    if (this.s[this.i] === 'e' || this.s[this.i] === 'E') {
      this.i++;
      if (this.s[this.i] === '+' || this.s[this.i] === '-') this.i++;
      this.digits();
    }
  }

  /** One or more digits. */
  private digits(): void {
    const start = this.i;
    while (/^[0-9]$/.test(this.s[this.i] ?? '')) this.i++;
    if (this.i === start) throw new Stop(this.i);
  }

  private expect(ch: string): void {
    if (this.s[this.i] !== ch) throw new Stop(this.i);
    this.i++;
  }
}
