// Markdown tables, printed to the terminal and pasted into BENCHMARKS.md as they are.

/** Any number of columns, each padded to its widest cell. */
export function grid(head: string[], rows: string[][]): string {
  const all = [head, ...rows];
  const w = head.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => `| ${w.map((x, c) => (r[c] ?? '').padEnd(x)).join(' | ')} |`;
  return [line(head), `|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** The run's table: section | measure | value, the section said once for its rows. */
export class Table {
  private readonly rows: [string, string, string][] = [];
  private last = '';

  add(section: string, measure: string, value: string): void {
    this.rows.push([section === this.last ? '' : section, measure, value]);
    this.last = section;
  }

  render(): string {
    return grid(['section', 'measure', 'value'], this.rows);
  }
}
