// Lines exactly as GNU sort sees them: split at LF only (a CR stays part of its line), decoded latin1 so
// every byte round-trips and string order is byte order. Each input's last line ends at the input's end.

/** Calls onLine for each complete line of a stream of chunks; end() delivers an unterminated last line. */
export class ByteLines {
  #carry: Buffer[] = [];

  write(chunk: Buffer, onLine: (line: string) => void): void {
    let s = 0;
    let nl = chunk.indexOf(10);
    if (nl !== -1 && this.#carry.length > 0) {
      this.#carry.push(chunk.subarray(0, nl));
      onLine(Buffer.concat(this.#carry).toString('latin1'));
      this.#carry = [];
      s = nl + 1;
      nl = chunk.indexOf(10, s);
    }
    while (nl !== -1) {
      onLine(chunk.toString('latin1', s, nl));
      s = nl + 1;
      nl = chunk.indexOf(10, s);
    }
    if (s < chunk.length) this.#carry.push(Buffer.from(chunk.subarray(s)));
  }

  end(onLine: (line: string) => void): void {
    if (this.#carry.length === 0) return;
    onLine(Buffer.concat(this.#carry).toString('latin1'));
    this.#carry = [];
  }
}
