// One markdown table: section | measure | value. Printed to the terminal and pasted into BENCHMARKS.md as is.
export class Table {
  private readonly rows: [string, string, string][] = [];
  private last = '';

  add(section: string, measure: string, value: string): void {
    this.rows.push([section === this.last ? '' : section, measure, value]);
    this.last = section;
  }

  render(): string {
    const head: [string, string, string] = ['section', 'measure', 'value'];
    const all = [head, ...this.rows];
    const w = [0, 1, 2].map((c) => Math.max(...all.map((r) => r[c]!.length)));
    const line = (r: [string, string, string]) => `| ${r.map((v, c) => v.padEnd(w[c]!)).join(' | ')} |`;
    return [line(head), `|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`, ...this.rows.map(line)].join('\n');
  }
}
