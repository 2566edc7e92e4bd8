// The little of SaxonJS (npm saxon-js, no types of its own) that tests/support/en16931.ts uses.
declare module 'saxon-js' {
  interface TransformResult {
    principalResult: unknown;
  }
  interface SaxonJS {
    transform(options: { stylesheetInternal: unknown; sourceText: string; destination: 'document' }, mode: 'async'): Promise<TransformResult>;
    XPath: { evaluate(xpath: string, context: unknown, options?: { namespaceContext?: Record<string, string> }): unknown };
  }
  const saxon: SaxonJS;
  export default saxon;
}
