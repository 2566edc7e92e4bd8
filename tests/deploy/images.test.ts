import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeFiles, faasdExtras, readYaml, root, services, stackFunctions } from './support.js';

// erpbi's images as issue 21 wants them, held where it is cheap to check without building them:
// one build script and the same Dockerfiles for linux/amd64 and linux/arm64, Debian + our pinned Node
// (no official Node image, no npm at run time), the target's native addons, and ${REGISTRY} as the
// one setting of where the compose files and stack.yml take erpbi's images from.

const read = (rel: string) => readFileSync(join(root, rel), 'utf8');
const dockerfiles = { service: read('compose/Dockerfile'), function: read('template/erpbi-node/Dockerfile') };
const buildImages = read('compose/build-images.sh');
const bases = read('compose/bases/build.sh');
/** The instructions of a Dockerfile, continuation lines joined, comments left out. */
const instructions = (text: string) =>
  text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => l.trim() && !l.trimStart().startsWith('#'));

describe("erpbi's images", () => {
  it('the compose files and stack.yml take every erpbi image from ${REGISTRY}, by default the images the Pi uses', () => {
    const own = [
      ...services(composeFiles).map((s) => ({ name: `${s.file} ${s.name}`, image: String(s.spec.image ?? '') })),
      ...Object.entries(stackFunctions()).map(([name, f]) => ({ name: `stack.yml ${name}`, image: String(f.image) })),
    ].filter((s) => /REGISTRY|ghcr\.io\/erpbi/.test(s.image));
    expect(own.length).toBeGreaterThanOrEqual(16);
    for (const s of own) expect(s.image, s.name).toMatch(/^\$\{REGISTRY:-ghcr\.io\/erpbi\}\/[a-z0-9-]+:\d+\.\d+\.\d+$/);
    // faasd's compose file has no variables: the Pi's registry, written out
    for (const s of services([faasdExtras]).filter((x) => String(x.spec.image).includes('erpbi/'))) expect(s.spec.image, s.name).toMatch(/^ghcr\.io\/erpbi\//);
    // the stand-ins file of the container test too
    for (const [name, s] of Object.entries<{ image?: string }>(readYaml('tests/containers/docker-compose.stand-ins.yml').services)) {
      if (/REGISTRY|ghcr\.io\/erpbi/.test(s.image ?? '')) expect(s.image, name).toBe('${REGISTRY:-ghcr.io/erpbi}/erpbi:0.1.0');
    }
  });

  it.each(Object.entries(dockerfiles))('the %s image: Debian (official by default) + the pinned Node for the target arch, no npm', (_name, text) => {
    const lines = instructions(text);
    expect(lines).toContain('ARG DEBIAN_IMAGE=debian:bookworm-slim');
    expect(lines).toContain('FROM ${DEBIAN_IMAGE}');
    expect(lines).toContain('ARG TARGETARCH');
    // the node binary of compose/node/fetch.sh for the arch being built, never an official Node image
    expect(
      lines.some((l) => /^COPY (function\/)?build\/node\/\$\{TARGETARCH\}\/bin\/node \/usr\/local\/bin\/node$/.test(l)),
      'Node copied per arch',
    ).toBe(true);
    expect(text).not.toMatch(/^FROM\s+(--platform=\S+\s+)?node:/m);
    expect(text).not.toMatch(/NODE_IMAGE/);
    for (const l of lines.filter((x) => x.startsWith('RUN'))) expect(l).not.toMatch(/\bnpm\b/);
  });

  it('the function image: the shared base first (user, watchdog, Node), then only its own bundle, through a bind mount', () => {
    const lines = instructions(dockerfiles.function);
    const from = lines.indexOf('FROM ${DEBIAN_IMAGE}');
    const bundle = lines.findIndex((l) => l.includes('pick-bundle.sh'));
    expect(lines.slice(from + 1, bundle).filter((l) => /^(RUN|COPY)/.test(l))).toEqual([
      'RUN useradd --uid 1000 --create-home --home-dir /home/app --shell /usr/sbin/nologin app',
      'COPY --from=watchdog /fwatchdog /usr/bin/fwatchdog',
      'COPY function/build/node/${TARGETARCH}/bin/node /usr/local/bin/node',
    ]);
    // the function's name (a build argument) comes after the shared layers: it must not change them
    expect(lines.indexOf('ARG FUNCTION_NAME=""')).toBeGreaterThan(lines.indexOf('COPY function/build/node/${TARGETARCH}/bin/node /usr/local/bin/node'));
    expect(lines[bundle]).toMatch(/^RUN --mount=type=bind,source=\.,target=\/tmp\/context /);
    // buildah does not key a RUN's cache on a bind mount's files: the context's digest is an argument of it
    expect(lines.indexOf('ARG CONTEXT_DIGEST=""')).toBeGreaterThan(from);
    expect(lines.indexOf('ARG CONTEXT_DIGEST=""')).toBeLessThan(bundle);
    expect(buildImages).toContain('--build-arg CONTEXT_DIGEST="$digest"');
    expect(lines.filter((l) => l.startsWith('COPY function/') && !l.includes('/node '))).toEqual([]);
  });

  it("one build script, both arches: buildah per platform, the target's dependencies from the lock file, one multi-arch tag, pushed with every arch", () => {
    expect(buildImages).toMatch(/^arches="\$\{ERPBI_ARCHES:-amd64 arm64\}"$/m);
    expect(buildImages).toMatch(/buildah bud "\$\{args\[@\]\}" -f compose\/Dockerfile/);
    expect(buildImages).toContain('--platform "linux/$arch"');
    expect(buildImages).toContain('--format docker'); // HEALTHCHECK is Docker's, not OCI's
    // npm names CPUs as Node does (x64, not amd64): a wrong name installs no addon at all
    expect(buildImages).toMatch(/npm ci [^\n]*--omit=dev [^\n]*--ignore-scripts [^\n]*--cpu="\$\(node_arch "\$arch"\)" --os=linux --libc=glibc/);
    expect(buildImages).toContain('compose/node/fetch.sh "$(node_arch "$arch")"');
    expect(buildImages).toMatch(/buildah manifest push [^\n]*--all /);
    // the bases: a debootstrapped root per arch, recorded as that arch
    expect(bases).toContain('debootstrap --arch="$arch" --variant=minbase');
    expect(bases).toContain('buildah config --os linux --arch "$arch"');
  });

  it('.dockerignore keeps node_modules and source maps out, and what build-images.sh prepares per arch in', () => {
    const ignore = read('.dockerignore').split('\n');
    for (const p of ['node_modules', 'build/**/*.map', '.git', 'compose/secrets']) expect(ignore).toContain(p);
    expect(ignore).not.toContain('build');
    expect(ignore.filter((l) => /^build\/(node|deps)\/?\*?$/.test(l))).toEqual([]);
  });
});
