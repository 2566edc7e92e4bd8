import { expect, it } from 'vitest';
import { docker } from '../stack.js';
import { arches, dockerRegistry, registryTag } from '../images.js';
import { ct, images } from './context.js';

// erpbi's images in the local registry and in Docker's store: both arches, each one's Node and native addons.
export function imageChecks(): void {
  it('the registry holds one tag per image listing linux/amd64 and linux/arm64; Docker holds both, each recorded as its arch, each with Node 24', async () => {
    for (const image of images) {
      const tag = await registryTag(ct.registry!.host, `erpbi/${image}`, '0.1.0');
      expect(tag.mediaType, image).toMatch(/manifest\.list|image\.index/);
      expect(Object.keys(tag.platforms).sort(), image).toEqual(['linux/amd64', 'linux/arm64']);
      for (const arch of arches) {
        const name = `${dockerRegistry(arch)}/${image}:0.1.0`;
        expect(docker(['image', 'inspect', '-f', '{{.Os}}/{{.Architecture}}', name]), name).toBe(`linux/${arch}`);
        // the binary as the kernel runs it (arm64 through qemu-aarch64), not only the label
        const out = docker(['run', '--rm', '--network', 'none', name, 'node', '-p', 'process.version + " " + process.arch']);
        expect(out, name).toMatch(new RegExp(`^v24\\.\\d+\\.\\d+ ${arch === 'amd64' ? 'x64' : 'arm64'}$`));
      }
    }
    // the service image's native addons are its arch's: DuckDB answers a query, esbuild (the CLI's tsx) runs
    for (const arch of arches) {
      const name = `${dockerRegistry(arch)}/erpbi:0.1.0`;
      const duckdb = [
        "const { DuckDBInstance } = require('@duckdb/node-api'); ",
        "DuckDBInstance.create(':memory:').then((i) => i.connect())",
        ".then((c) => c.runAndReadAll('select sum(i)::varchar as s from range(100000) t(i)'))",
        '.then((r) => console.log(r.getRowObjects()[0].s))',
      ].join('');
      expect(docker(['run', '--rm', '--network', 'none', name, 'node', '-e', duckdb]), `${name} DuckDB`).toBe('4999950000');
      expect(
        docker(['run', '--rm', '--network', 'none', name, 'node', '-p', "require('esbuild').transformSync('let a: number = 1', { loader: 'ts' }).code.trim()"]),
        `${name} esbuild`,
      ).toBe('let a = 1;');
    }
  });
}
