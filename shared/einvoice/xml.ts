import { create } from 'xmlbuilder2';

// A thin layer over xmlbuilder2 for the two syntaxes: elements named `prefix:local` in the namespaces
// the root declares, and optional values that leave their element out (EN 16931 rejects empty ones).

export type Node = ReturnType<typeof create>;

/**
 * Characters XML 1.0 cannot carry at all (C0 controls but tab, CR and LF; U+FFFE, U+FFFF; lone
 * surrogates), which xmlbuilder2 would write as they are, making the whole document unreadable. The
 * API's text fields refuse controls and surrogates already (shared/schemas/common.ts); this drops
 * whatever else reaches an e-invoice, e.g. a noncharacter in a name.
 */
const notXml = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
export const xmlText = (text: string) => text.replace(notXml, '');

export interface Doc {
  /** A child element; with text when given. */
  el: (parent: Node, qname: string, text?: string, attrs?: Record<string, string>) => Node;
  /** A child element with text only when the text is there (non-empty); nothing otherwise. */
  opt: (parent: Node, qname: string, text: string | undefined, attrs?: Record<string, string>) => void;
  root: Node;
  end: () => string;
}

export function xmlDocument(rootName: string, rootNs: string, namespaces: Record<string, string>): Doc {
  const nsOf = (qname: string) => {
    const prefix = qname.includes(':') ? qname.slice(0, qname.indexOf(':')) : '';
    const ns = prefix ? namespaces[prefix] : rootNs;
    if (ns === undefined) throw new Error(`no namespace for ${qname}`);
    return ns;
  };
  const declarations = Object.fromEntries(Object.entries(namespaces).map(([p, ns]) => [`xmlns:${p}`, ns]));
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(nsOf(rootName), rootName, declarations);
  const el: Doc['el'] = (parent, qname, text, attrs) => {
    const node = parent.ele(nsOf(qname), qname, attrs);
    if (text !== undefined) node.txt(xmlText(text));
    return node;
  };
  return {
    root,
    el,
    opt: (parent, qname, text, attrs) => {
      if (text !== undefined && xmlText(text).trim() !== '') el(parent, qname, text, attrs);
    },
    end: () => root.end({ prettyPrint: true }),
  };
}
