import { AsmError } from '../errors.js';
import type { Token } from './lexer.js';

/** Reads the tokens of one statement, and makes errors that point into its line. */
export class Cursor {
  private pos = 0;

  constructor(
    readonly tokens: readonly Token[],
    readonly line: number,
    /** Column just past the line's code, for "expected ... at end of line". */
    readonly endColumn: number,
  ) {}

  get done(): boolean {
    return this.pos >= this.tokens.length;
  }

  /** The token `ahead` places ahead, or undefined past the end. */
  peek(ahead = 0): Token | undefined {
    return this.tokens[this.pos + ahead];
  }

  /** True when the next token is the punctuation or identifier `text` (case-insensitive for identifiers). */
  at(text: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t !== undefined && (t.kind === 'punct' ? t.text === text : t.text.toLowerCase() === text);
  }

  next(what: string): Token {
    const t = this.tokens[this.pos];
    if (t === undefined) throw this.errorAtEnd(`expected ${what}`);
    this.pos++;
    return t;
  }

  /** Consumes `text` if it is next. */
  accept(text: string): boolean {
    if (!this.at(text)) return false;
    this.pos++;
    return true;
  }

  expect(text: string): Token {
    const t = this.peek();
    if (t === undefined) throw this.errorAtEnd(`expected '${text}'`);
    if (!this.at(text)) throw this.error(t, `expected '${text}' but found '${t.text}'`);
    this.pos++;
    return t;
  }

  /** Refuses anything left on the line. */
  end(): void {
    const t = this.peek();
    if (t !== undefined) throw this.error(t, `unexpected '${t.text}' after the instruction`);
  }

  /** Column of the next token (or of the end of the line). */
  column(): number {
    return this.peek()?.column ?? this.endColumn;
  }

  error(at: Token | number, reason: string): AsmError {
    return new AsmError(this.line, typeof at === 'number' ? at : at.column, reason);
  }

  errorAtEnd(reason: string): AsmError {
    return new AsmError(this.line, this.endColumn, `${reason} at end of line`);
  }
}
