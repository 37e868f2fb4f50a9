// Random hex for temp-file and lock-token names. node:crypto is loaded on the first call, not at import:
// it costs ~10 ms of start-up, and most commands never name a temp file.

/** `n` random bytes as 2n hex digits. */
export function randomHex(n: number): string {
  return process.getBuiltinModule('node:crypto').randomBytes(n).toString('hex');
}
