// Escaping of user-written text for Adaptive Card markdown (TextBlock and FactSet text), so a
// reporter's words can never become links, formatting, lists, headings or @mentions in Teams.

/**
 * Characters that start or close a construct anywhere in a line: emphasis (`*`, `_`, `~`), code,
 * links (`[`, `]`, `(`, `)`), `<at>` mentions (`<`, `>`) and the card's `{{DATE()}}`/`{{TIME()}}`
 * functions (`{`, `}`). Other punctuation is left alone so ordinary text reads normally.
 */
const INLINE = /[\\`*_[\]()<>~{}]/g;

/**
 * Escape `text` for Adaptive Card markdown: backslash-escapes inline markdown characters and the
 * line starts that would make a heading (`#`), a list (`-`, `+`, `*`, `1.`) or a quote (`>`).
 * `<` and `>` are escaped too, so `<at>Name</at>` can never form a mention.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => {
      let out = line.replace(INLINE, (c) => `\\${c}`);
      // Block-level markers only matter at the start of a line (after optional spaces).
      out = out.replace(/^(\s*)([#+-])/, '$1\\$2');
      out = out.replace(/^(\s*)(\d+)([.)])/, '$1$2\\$3');
      return out;
    })
    .join('\n');
}
