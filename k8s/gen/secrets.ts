import { natsPasswordSecret, natsUsers } from '../../shared/events/nats-users.js';
import { functionsNamespace, namespace } from './pods.js';
import { roles } from './postgres.js';
import { generatedHeader } from './sources.js';

// The Secrets the manifests refer to, never their values: a template listing each (k8s/secrets/
// secrets.template.yml, for reading, not applying) and a script that makes them from the Pi's own secret
// files (compose/secrets/README.md says what each holds), one key each, named like the Secret, as
// `faas-cli secret create` makes them and as the pods mount them (/run/secrets/<name>, /var/openfaas/secrets/<name>).

export interface SecretUse {
  name: string;
  namespace: string;
  /** the road that needs it there */
  road: 'both' | 'plain' | 'openfaas';
}

const header = (what: string) => `${generatedHeader}# ${what}\n`;

export function secretTemplate(uses: SecretUse[]): string {
  const docs = uses.map(
    (u) =>
      `---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: ${u.name}\n  namespace: ${u.namespace}\ntype: Opaque\nstringData:\n  ${u.name}: ""   # from compose/secrets/${u.name}${u.road === 'both' ? '' : ` (${u.road} road)`}\n`,
  );
  const basic = roles.map(
    (r) =>
      `---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: ${r.secret}\n  namespace: ${namespace}\ntype: kubernetes.io/basic-auth\nstringData:\n  username: ${r.role}\n  password: ""   # from compose/secrets/${r.passwordFile} (CloudNativePG only)\n`,
  );
  return header('Every Secret the manifests use, WITHOUT values: do not apply this file; k8s/secrets/create.sh makes them.') + [...docs, ...basic].join('');
}

export function createScript(uses: SecretUse[]): string {
  const lines = uses.map((u) => `one ${u.road} ${u.namespace} ${u.name}`);
  return `#!/bin/sh
${header("Makes every Secret erpbi's manifests use, from a folder of the Pi's secret files (one file per secret).").replace(/\n$/, '')}
# Usage: k8s/secrets/create.sh SECRETS_DIR [--openfaas] [--cnpg]
#   --openfaas  the OpenFaaS road: the functions' secrets in ${functionsNamespace} (else in ${namespace}, the plain road)
#   --cnpg      also the CloudNativePG role secrets (basic-auth) from postgres-*-password
# Idempotent: an existing Secret is replaced by the file's value (kubectl apply).
set -eu
dir=\${1:?usage: create.sh SECRETS_DIR [--openfaas] [--cnpg]}
shift
openfaas=no cnpg=no
for a in "$@"; do case $a in --openfaas) openfaas=yes ;; --cnpg) cnpg=yes ;; *) echo "unknown option $a" >&2; exit 2 ;; esac; done
# one ROAD NAMESPACE NAME: the Secret NAME, its one key NAME, from the file NAME, where ROAD needs it
one() {
  case $1-$openfaas in plain-yes | openfaas-no) return ;; esac
  [ -f "$dir/$3" ] || { echo "missing $dir/$3" >&2; exit 1; }
  kubectl -n "$2" create secret generic "$3" --from-file="$3=$dir/$3" --dry-run=client -o yaml | kubectl apply -f -
}
${lines.join('\n')}
if [ $cnpg = yes ]; then
${roles.map((r) => `  kubectl -n ${namespace} create secret generic ${r.secret} --type=kubernetes.io/basic-auth --from-literal=username=${r.role} --from-file=password="$dir/${r.passwordFile}" --dry-run=client -o yaml | kubectl apply -f -`).join('\n')}
fi
`;
}

/** Every NATS user's password: the chart's pods read them all (shared/events/nats-users.ts). */
export const natsSecrets = natsUsers.map(natsPasswordSecret);
