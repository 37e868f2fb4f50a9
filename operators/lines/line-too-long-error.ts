// The error for a line longer than maxLineBytes: names the source, the line and its byte offset, and says
// what to do. The line number is null when it is unknown (a byte range that starts mid-file).

/** A line over `maxLineBytes` (`code` 'ERR_LINE_TOO_LONG', `source`, `lineNumber`, `byteOffset`). */
export class LineTooLongError extends Error {
  readonly code = 'ERR_LINE_TOO_LONG';
  readonly source: string;
  readonly lineNumber: number | null;
  readonly byteOffset: number;
  readonly maxLineBytes: number;

  constructor(source: string, lineNumber: number | null, byteOffset: number, maxLineBytes: number) {
    const where = lineNumber === null
      ? `the line at byte offset ${byteOffset} (line number unknown: this range starts mid-file)`
      : `line ${lineNumber} (byte offset ${byteOffset})`;
    super(`${source}: ${where} is longer than maxLineBytes (${maxLineBytes} bytes). ` +
      `Raise maxLineBytes, or pass onOverlong: 'skip' to skip such lines and count them.`);
    this.name = 'LineTooLongError';
    this.source = source;
    this.lineNumber = lineNumber;
    this.byteOffset = byteOffset;
    this.maxLineBytes = maxLineBytes;
  }
}
