import { renameSync, writeFileSync } from 'node:fs';

/**
 * Writes `value` as JSON under another name, then renames it into place: a reader (the gateway, the
 * connector, the bench, the next start) never sees half a file, and a kill mid-write leaves the previous
 * version. `mode` applies to the file as made (0600 for one holding passwords).
 */
export function writeJsonFile(file: string, value: unknown, mode?: number): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(value, null, 2) + '\n', mode === undefined ? undefined : { mode });
  renameSync(`${file}.tmp`, file);
}
