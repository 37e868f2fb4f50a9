// Lines exactly as GNU sort sees them: split at LF only (a CR stays part of its line), or at NUL under -z,
// decoded latin1 so every byte round-trips and string order is byte order. Each input's last line ends at
// the input's end.

/** Calls onLine for each complete line of a stream of chunks; end() delivers an unterminated last line. */
export class ByteLines {
  #carry: Buffer[] = [];
  readonly #term: number;

  /** `terminator`: the byte that ends a line (10, or 0 for -z). */
  constructor(terminator = 10) {
    this.#term = terminator;
  }

  write(chunk: Buffer, onLine: (line: string) => void): void {
    let s = 0;
    let nl = chunk.indexOf(this.#term);
    if (nl !== -1 && this.#carry.length > 0) {
      this.#carry.push(chunk.subarray(0, nl));
      onLine(Buffer.concat(this.#carry).toString('latin1'));
      this.#carry = [];
      s = nl + 1;
      nl = chunk.indexOf(this.#term, s);
    }
    while (nl !== -1) {
      onLine(chunk.toString('latin1', s, nl));
      s = nl + 1;
      nl = chunk.indexOf(this.#term, s);
    }
    if (s < chunk.length) this.#carry.push(Buffer.from(chunk.subarray(s)));
  }

  end(onLine: (line: string) => void): void {
    if (this.#carry.length === 0) return;
    onLine(Buffer.concat(this.#carry).toString('latin1'));
    this.#carry = [];
  }
}
