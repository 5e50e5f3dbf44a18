// Apart from primitives.ts (which builds zod schemas) so that the CLI's output, loaded by every command and
// by `candor --help`, does not import zod (docs/benchmarks.md, CLI start-up).

/**
 * What no published or printed output may carry: control characters other than tab and newline (a terminal
 * escape in `git log`, a character XML forbids in the feed), carriage returns (made newlines), the
 * bidirectional embedding, override and isolate controls (they make a text read otherwise than it is),
 * lone surrogates, and U+FFFE/U+FFFF.
 */
const OUTPUT_JUNK =
  // eslint-disable-next-line no-control-regex -- control characters are what it finds
  /\r\n?|[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The one cleaning every text output goes through before it leaves Candor (report text, Markdown and HTML,
 * changelogs, the README, git commit and tag messages, the Atom feed): the characters above are dropped,
 * a carriage return becomes a newline. Input may hold them (a correction's reason pasted from anywhere).
 */
export function cleanOutput(text: string): string {
  return text.replace(OUTPUT_JUNK, (m) => (m.startsWith('\r') ? '\n' : ''));
}
