/**
 * Reading TAB indentation as spaces (what uTask's test harness does with its TAB-indented
 * templates; YAML forbids TABs as indentation), keeping a way back to offsets in the text as given.
 *
 * The rule: a TAB in a line's leading indentation (the run of spaces and TABs that starts the line)
 * becomes two spaces; every other TAB is kept. The rule is the same on every line, whatever the
 * line is in YAML's eyes, so on a line of a block scalar (`|`, `>`) the TABs of the leading run
 * become two spaces each, those past the block's own indentation included (they are part of the
 * value), while a TAB after the line's first other character (`foo: "a<TAB>b"`, `key:<TAB>value`,
 * `echo a<TAB>b`) stays in the value as it is.
 */

/** A text with its indentation TABs read as spaces. */
export interface TabsExpanded {
  /** The text with each TAB of a line's leading indentation replaced by two spaces. */
  readonly text: string;
  /** The offsets, in the text as given, of the TABs replaced (ascending). */
  readonly tabs: readonly number[];
}

/** The TABs replaced by {@link expandIndentTabs} are each read as this many spaces. */
const TAB_WIDTH = 2;

/**
 * Replaces each TAB of a line's leading indentation with two spaces (see the module's rule).
 *
 * @example
 * expandIndentTabs('a:\n\tb: "x\ty"\n').text; // 'a:\n  b: "x\ty"\n'
 */
export function expandIndentTabs(text: string): TabsExpanded {
  const tabs: number[] = [];
  let out = '';
  let atLineStart = true;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '\n') atLineStart = true;
    else if (char === '\t' && atLineStart) {
      tabs.push(i);
      out += ' '.repeat(TAB_WIDTH);
      continue;
    } else if (char !== ' ') atLineStart = false;
    out += char;
  }
  return { text: out, tabs };
}

/**
 * The offset in the text as given of `offset` in {@link TabsExpanded.text}: each replaced TAB
 * before it took one character more; an offset on a replacement's second space is the TAB's.
 */
export function originalOffset(expanded: TabsExpanded, offset: number): number {
  let shift = 0;
  for (const tab of expanded.tabs) {
    const at = tab + shift; // where the TAB's two spaces start in the expanded text
    if (at >= offset) break;
    if (offset < at + TAB_WIDTH) return tab;
    shift += TAB_WIDTH - 1;
  }
  return offset - shift;
}
