// The import routes take bodies far larger than a command's (BODY_LIMIT_BYTES): both the function and
// the gateway in front of it (gateway/gateway.ts) hold them to IMPORT_BODY_LIMIT_BYTES instead.
export const importRoutes: ReadonlySet<string> = new Set(['upsert-product /import', 'upsert-customer /import']);

export const isImportRoute = (fn: string, path: string): boolean => importRoutes.has(`${fn} ${path}`);
