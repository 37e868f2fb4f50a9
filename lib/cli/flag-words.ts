// The library speaks in option names (`overwrite: true`, `memory`), the CLI in flags. Messages from
// runJob and the operators pass through here on their way to stderr, so each is written once, in API words.
const WORDS: Array<[RegExp, string | ((match: string, name: string) => string)]> = [
  [/\bpass overwrite: true\b/g, 'pass --overwrite'],
  [/\bwithout overwrite: true\b/g, 'without --overwrite'],
  [/\bchoose another output\b/g, 'choose another -o'],
  [/\bchoose a shorter output\b/g, 'choose a shorter -o'],
  [/\boverwrite: true replaces\b/g, '--overwrite replaces'],
  [/\bpass overwrite: 'force'/g, 'add --force'],
  [/\braise memory\b/g, 'raise --memory'],
  [/^(mapTasks|splitSize|threshold) plans\b/g,
    (_, name: string) => `${{ mapTasks: '--map-tasks', splitSize: '--split-size', threshold: '--threshold' }[name]} plans`],
  [/\(streaming: false\)/g, '(--streaming off)'],
  [/\(streaming: 'auto' or true\)/g, '(--streaming auto or on)'],
  [/\blower workers\b/g, 'lower --workers'],
  [/\bwith badRecords\b/g, 'with --bad-records N'],
  [/\braise badRecords\b/g, 'raise --bad-records'],
  [/\bfor workers: (\d+)/g, 'for --workers $1'],
  [/\bpoint tmpDir \(or TMPDIR\)/g, 'point -T / --tmp-dir (or TMPDIR)'],
  [/Raise maxLineBytes, or pass onOverlong: 'skip' to skip such lines and count them\./g,
    'Raise it with --max-line-bytes SIZE, or skip such lines with --bad-records N.'],
];

/** A library message in the CLI's words: option names become the flags that set them. */
export function flagWords(message: string): string {
  let out = message;
  for (const [api, flag] of WORDS) out = typeof flag === 'string' ? out.replace(api, flag) : out.replace(api, flag);
  return out;
}
