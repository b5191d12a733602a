// Writing Python source as people write it: four-space indentation, lines of at most 88
// characters wrapped the way black wraps them, and literals in Python's spelling. The PyTorch
// export is generated code that people read and edit, so it should look hand-written.

const LINE_LIMIT = 88;
const INDENT = '    ';

/** A number as a Python literal; `float: true` keeps a whole number a float (`2.0`). */
export function pyNumber(v: number, opts: { float?: boolean } = {}): string {
  if (Number.isInteger(v)) return opts.float ? `${v}.0` : String(v);
  return String(v); // JavaScript's shortest round-trip spelling is valid Python (0.0001, 1e-7)
}

/** `5` for a square size, `(3, 5)` otherwise: how PyTorch's constructors take a size. */
export function pySize([a, b]: readonly [number, number]): string {
  return a === b ? String(a) : `(${a}, ${b})`;
}

/** Text on one line: a line break or control character (in a model's name) would end a comment. */
function oneLine(text: string): string {
  return Array.from(text, (c) => {
    const code = c.codePointAt(0)!;
    return code < 0x20 || code === 0x7f || code === 0x85 || code === 0x2028 || code === 0x2029 ? ' ' : c;
  }).join('');
}

/** A call whose arguments may be wrapped onto lines of their own when the line is too long. */
export interface PyCall {
  callee: string;
  args: string[];
}

export function pyCall(callee: string, args: readonly (string | null | undefined | false)[]): PyCall {
  return { callee, args: args.filter((a): a is string => typeof a === 'string') };
}

function callText(c: PyCall): string {
  return `${c.callee}(${c.args.join(', ')})`;
}

export class PythonWriter {
  private readonly out: string[] = [];
  private depth = 0;

  private get pad(): string {
    return INDENT.repeat(this.depth);
  }

  /**
   * One statement, `prefix` + call (or plain text), with an optional trailing comment. Too long
   * for a line, the call's arguments go on one line of their own, else one per line (black's
   * order); a comment that does not fit beside the statement goes on its own line above it.
   */
  statement(prefix: string, body: PyCall | string, rawComment?: string): void {
    const comment = rawComment === undefined ? undefined : oneLine(rawComment);
    const text = typeof body === 'string' ? prefix + body : prefix + callText(body);
    const commented = comment ? `${this.pad}${text}  # ${comment}` : `${this.pad}${text}`;
    if (commented.length <= LINE_LIMIT) {
      this.out.push(commented);
      return;
    }
    if (comment) this.comment(comment);
    const inner = this.pad + INDENT;
    if (typeof body !== 'string' && body.args.length === 0 && prefix.endsWith(' = ') && `${this.pad}${text}`.length > LINE_LIMIT) {
      // Nothing to split inside `Name()`: black puts the right-hand side in parentheses instead.
      this.out.push(`${this.pad}${prefix}(`, `${inner}${callText(body)}`, `${this.pad})`);
      return;
    }
    if (typeof body === 'string' || `${this.pad}${text}`.length <= LINE_LIMIT || body.args.length === 0) {
      this.out.push(`${this.pad}${text}`);
      return;
    }
    this.out.push(`${this.pad}${prefix}${body.callee}(`);
    const joined = inner + body.args.join(', ');
    if (joined.length <= LINE_LIMIT) this.out.push(joined);
    else for (const arg of body.args) this.out.push(`${inner}${arg},`);
    this.out.push(`${this.pad})`);
  }

  /** Comment lines, one per item, each wrapped at word boundaries to the line length. */
  comment(...lines: string[]): void {
    for (const line of lines) {
      let current = `${this.pad}#`;
      for (const word of oneLine(line).split(' ').filter((w) => w !== '')) {
        if (current.length + 1 + word.length > LINE_LIMIT && current !== `${this.pad}#`) {
          this.out.push(current);
          current = `${this.pad}#`;
        }
        current += ` ${word}`;
      }
      this.out.push(current);
    }
  }

  /** A one-line docstring; any text (quotes, backslashes) is escaped to read back as written. */
  docstring(text: string): void {
    this.line(`"""${oneLine(text).replace(/[\\"]/g, (c) => `\\${c}`)}"""`);
  }

  line(text: string): void {
    this.out.push(text === '' ? '' : `${this.pad}${text}`);
  }

  blank(count = 1): void {
    for (let i = 0; i < count; i++) this.out.push('');
  }

  /** `header:` and its body one level deeper. */
  block(header: string, body: () => void): void {
    this.line(header);
    this.depth++;
    try {
      body();
    } finally {
      this.depth--;
    }
  }

  toString(): string {
    return this.out.join('\n') + '\n';
  }
}
