#!/usr/bin/env bash
# Steps that change something are functions run through `did` (which skips them under --check):
# shellcheck disable=SC2317
# erpbi's installer: a blank Debian 12 / Raspberry Pi OS box (arm64 or amd64) to a running erpbi, from
# a checkout of this repository (docs/deploy-pi.md says what to decide first). Run as root; re-run it
# at will: every step looks at its state first and prints `ok <what>` (left as it was) or `done <what>`
# (changed); a second run prints only `ok` lines. `--check` changes nothing, prints `ok` or `would
# <what>` per step and exits 1 when something would change.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: sudo ./install.sh [options]
  --check                          report each step's state, change nothing; exit 1 if something would change
  --runtime compose|faasd          compose (default): plain Docker Compose, no licence needed;
                                   faasd: an existing faasd (CE: personal use only) or OpenFaaS Edge
  --faasd-licence FILE             OpenFaaS Edge's licence file (with --runtime faasd)
  --domain DOMAIN                  the app at DOMAIN, Keycloak at auth.DOMAIN, Grafana at grafana.DOMAIN
                                   (asked once, default erpbi.lan; kept in /etc/erpbi/erpbi.env)
  --images registry:HOST/PATH      pull erpbi's images from that registry (REGISTRY=HOST/PATH)
  --images tarball:FILE            load them from a `docker save` tarball
                                   (neither: the images must already be in Docker's store)
  --backup-target URL              where the nightly backup goes off the box: a restic repository
                                   (sftp:user@host:/path, s3:..., rest:..., rclone:remote:path)
  --admin-user NAME                the erpbi realm's first admin (default admin)
  -h, --help                       this text
Test-only environment: ERPBI_ETC (instead of /etc/erpbi), ERPBI_PROJECT (compose project, default
erpbi), ERPBI_COMPOSE_EXTRA (more compose files, colon-separated), ERPBI_HEALTH_TIMEOUT (seconds, 300).
EOF
}

repo="$(cd "$(dirname "$0")" && pwd)"
etc="${ERPBI_ETC:-/etc/erpbi}"
secrets="$etc/secrets"
project="${ERPBI_PROJECT:-erpbi}"
check=0 runtime='' domain='' images='' backup_target='' admin_user='' licence=''
while [ $# -gt 0 ]; do
  case "$1" in
    --check) check=1 ;;
    --runtime) runtime="${2:?--runtime needs compose or faasd}"; shift ;;
    --faasd-licence) licence="${2:?--faasd-licence needs a file}"; shift ;;
    --domain) domain="${2:?--domain needs a name}"; shift ;;
    --images) images="${2:?--images needs registry:HOST/PATH or tarball:FILE}"; shift ;;
    --backup-target) backup_target="${2:?--backup-target needs a URL}"; shift ;;
    --admin-user) admin_user="${2:?--admin-user needs a name}"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

die() { echo "install.sh: $*" >&2; exit 1; }
changed=0
ok() { echo "ok $*"; }
# did WHAT CMD...: runs CMD and says `done WHAT`; with --check says `would WHAT` and runs nothing.
did() {
  local what=$1; shift
  changed=1
  if [ "$check" = 1 ]; then echo "would $what"; return 0; fi
  "$@"
  echo "done $what"
}
todo=()

[ "$(id -u)" = 0 ] || die "run it as root: sudo $0 $*"

# ---- settings files, one KEY=value a line: /etc/erpbi/erpbi.env (compose reads it with --env-file),
# /etc/erpbi/backup.env (erpbi-backup.service's EnvironmentFile) ----
env_file="$etc/erpbi.env" backup_env="$etc/backup.env"
# value FILE KEY: the value of KEY in FILE, empty when none
value() { if [ -f "$1" ]; then sed -n "s/^$2=//p" "$1" | tail -n1; fi; }
setting() { value "$env_file" "$1"; }
put_value() {
  local file=$1 mode=$2 key=$3 val=$4 tmp
  tmp="$(mktemp "$file.XXXXXX")"
  { if [ -f "$file" ]; then grep -v "^$key=" "$file" || true; fi; echo "$key=$val"; } >"$tmp"
  chmod "$mode" "$tmp" && mv "$tmp" "$file"
}
# ensure_value FILE MODE KEY VALUE: KEY=VALUE in FILE, the other lines kept
ensure_value() {
  if [ "$(value "$1" "$3")" = "$4" ]; then ok "setting $3=$4 ($1)"; else did "setting $3=$4 ($1)" put_value "$@"; fi
}
ensure_setting() { ensure_value "$env_file" 0644 "$1" "$2"; }

# ---- 1. prerequisites ----
packages=()
command -v docker >/dev/null || packages+=(docker.io)
if docker compose version >/dev/null 2>&1; then compose_cmd=(docker compose)
elif command -v docker-compose >/dev/null; then compose_cmd=(docker-compose --compatibility)   # v1.29: deploy limits applied
else packages+=(docker-compose); compose_cmd=(docker-compose --compatibility)
fi
for c in openssl curl jq restic; do command -v "$c" >/dev/null || packages+=("$c"); done
[ -f /etc/ssl/certs/ca-certificates.crt ] || packages+=(ca-certificates)
apt_install() { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null; }
if [ ${#packages[@]} -eq 0 ]; then ok "packages (docker, compose, openssl, curl, jq, restic, ca-certificates)"
else did "packages ${packages[*]}" apt_install; fi
systemd=0; [ -d /run/systemd/system ] && systemd=1
if [ "$check" = 1 ] && ! command -v docker >/dev/null; then echo "would start Docker"
elif docker info >/dev/null 2>&1; then ok "docker running"
elif [ "$systemd" = 1 ]; then did "docker started (systemctl enable --now docker)" systemctl enable --now docker
else die "Docker is not running and there is no systemd here to start it: start dockerd, then run this again"
fi

# ---- 2. settings ----
current_domain="$(setting ERPBI_DOMAIN)"
if [ -z "$domain" ]; then
  domain="$current_domain"
  if [ -z "$domain" ] && [ -t 0 ] && [ "$check" = 0 ]; then read -r -p "The box's domain (the app; auth.<it>, grafana.<it>) [erpbi.lan]: " domain; fi
  domain="${domain:-erpbi.lan}"
fi
[[ "$domain" =~ ^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$ ]] || die "--domain $domain is not a DNS name of lower-case letters, digits and dashes with at least one dot (e.g. erpbi.lan)"
runtime="${runtime:-$(setting ERPBI_RUNTIME)}"; runtime="${runtime:-compose}"
case "$runtime" in compose | faasd) ;; *) die "--runtime must be compose or faasd, not $runtime" ;; esac
case "$images" in
  registry:?*) registry="${images#registry:}" ;;
  tarball:?*)
    [ -f "${images#tarball:}" ] || die "--images ${images}: no such file"
    # the REGISTRY its images are named under (docker save's manifest.json: <registry>/erpbi:<tag>, ...)
    registry="$(tar -xOf "${images#tarball:}" manifest.json | jq -r '.[].RepoTags[]?' | sed -n 's#/erpbi:[^/:]*$##p' | head -n1)"
    [ -n "$registry" ] || die "--images ${images}: no <registry>/erpbi:<tag> image in it (a docker save of erpbi's images)" ;;
  '') registry="$(setting REGISTRY)" ;;
  *) die "--images must be registry:HOST/PATH or tarball:FILE, not $images" ;;
esac
registry="${registry:-${REGISTRY:-ghcr.io/erpbi}}"
if [ -d "$etc" ]; then ok "directory $etc"; else did "directory $etc" install -d -m 0755 "$etc"; fi
ensure_setting ERPBI_DOMAIN "$domain"
ensure_setting ERPBI_RUNTIME "$runtime"
ensure_setting REGISTRY "$registry"
admin_user="${admin_user:-$(setting ERPBI_ADMIN_USER)}"; admin_user="${admin_user:-admin}"
ensure_setting ERPBI_ADMIN_USER "$admin_user"
# what compose substitutes: the settings, whatever this shell had
export ERPBI_DOMAIN="$domain" REGISTRY="$registry"
service_image="$registry/erpbi:0.1.0"

# ---- 3. images ----
image_present() { docker image inspect "$1" >/dev/null 2>&1; }
case "$images" in
  registry:*)
    # erpbi's images and the third-party ones the compose files name; a pull that finds nothing new changes nothing
    before="$(docker image ls -q --no-trunc | sort | sha256sum)"
    if [ "$check" = 1 ]; then
      if image_present "$service_image"; then ok "images from $registry (present; a pull may update them)"; else did "images pulled from $registry" true; fi
    else
      # the service image now (the next steps run in it), the others with compose's pull below
      docker pull -q "$service_image" >/dev/null || die "docker pull $service_image failed"
      compose_pull=1
    fi ;;
  tarball:*)
    tarball="${images#tarball:}" stamp="$etc/images.sha256"
    load_images() { docker load -q -i "$tarball" >/dev/null && echo "$sum" >"$stamp"; }
    sum="$(sha256sum "$tarball" | cut -d' ' -f1)"
    if image_present "$service_image" && [ "$(cat "$stamp" 2>/dev/null)" = "$sum" ]; then ok "images from $tarball (loaded before)"
    else did "images loaded from $tarball" load_images; fi ;;
  *)
    if image_present "$service_image"; then ok "images (in Docker's store: $service_image)"
    elif [ "$check" = 1 ]; then echo "would need erpbi's images: --images registry:HOST/PATH or tarball:FILE"; changed=1
    else die "$service_image is not in Docker's store: give --images registry:HOST/PATH or --images tarball:FILE"; fi ;;
esac

# The checkout's install code run by the Node of erpbi's service image (a blank Pi has no Node 24):
# the image's node_modules, this checkout's bin/, cli/, runtime/ and shared/, the compose files and /etc/erpbi at
# their own paths; no network, no capability (root owns what it writes).
erpbi_install() {
  docker run --rm --network none --cap-drop ALL --security-opt no-new-privileges --user 0:0 \
    -v "$repo/bin:/app/bin:ro" -v "$repo/cli:/app/cli:ro" -v "$repo/runtime:/app/runtime:ro" -v "$repo/shared:/app/shared:ro" \
    -v "$repo/compose:$repo/compose:ro" -v "$etc:$etc" -e ERPBI_CHECK="$check" \
    "$service_image" node bin/erpbi.mjs install "$@"
}
# A step of `erpbi install` prints its own ok/done/would lines; exit 3 means it changed (or would change) something.
install_step() {
  local rc=0
  erpbi_install "$@" || rc=$?
  case "$rc" in 0) ;; 3) changed=1 ;; *) die "erpbi install $1 failed ($rc)" ;; esac
}

# the override (this box's paths) after the three files; a test's extra files (the stand-ins) last
files=("$repo/compose/docker-compose.base.yml" "$repo/compose/docker-compose.erp.yml" "$repo/compose/docker-compose.bi.yml" "$etc/compose.override.yml")
if [ -n "${ERPBI_COMPOSE_EXTRA:-}" ]; then IFS=: read -r -a extra <<<"$ERPBI_COMPOSE_EXTRA"; files+=("${extra[@]}"); fi
file_args=(); for f in "${files[@]}"; do file_args+=(-f "$f"); done
compose() { "${compose_cmd[@]}" -p "$project" --env-file "$env_file" "${file_args[@]}" "$@"; }

if image_present "$service_image" && [ -d "$etc" ]; then
  # ---- 4. secrets (the set: compose/docker-compose.base.yml's top-level secrets), web's config.json, the override naming them ----
  install_step secrets --compose "$repo/compose/docker-compose.base.yml" --dir "$secrets"
  # SeaweedFS's S3 identities, derived from the s3-* key files (rewritten each run; changed only when they did)
  if grep -q 'seaweedfs-s3.json' "$repo/compose/docker-compose.base.yml"; then
    identities="$secrets/seaweedfs-s3.json"
    was="$(sha256sum "$identities" 2>/dev/null || true)"
    if [ "$check" = 1 ]; then
      if [ -n "$was" ]; then ok "SeaweedFS identities $identities (present)"; else echo "would SeaweedFS identities $identities"; changed=1; fi
    else
      erpbi_install seaweedfs-identities --secrets "$secrets" >/dev/null
      # read by SeaweedFS's own uid on faasd (10002), as every secret here: 0444 in the root-only folder
      chmod 0444 "$identities"
      if [ "$(sha256sum "$identities")" = "$was" ]; then ok "SeaweedFS identities $identities"; else changed=1; echo "done SeaweedFS identities $identities"; fi
    fi
  fi
  if [ "$runtime" = compose ]; then
    install_step web-config --domain "$domain" --template "$repo/compose/web/config.json" --out "$etc/web/config.json"
    install_step compose-override --compose "$repo/compose/docker-compose.base.yml" --etc "$etc" --out "$etc/compose.override.yml"
    install_step web-root --out "$etc/web/root"
  fi
fi

# ---- 5. TLS: a local CA (its key never leaves /etc/erpbi/ca) and the server certificate it signs ----
ca="$etc/ca" tls="$etc/tls"
names=("$domain" "auth.$domain" "grafana.$domain")
make_ca() {
  install -d -m 0700 "$ca"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj "/CN=erpbi local CA ($domain)" \
    -addext basicConstraints=critical,CA:TRUE,pathlen:0 -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout "$ca/ca.key" -out "$ca/ca.crt" 2>/dev/null
  chmod 0600 "$ca/ca.key" && chmod 0644 "$ca/ca.crt"
}
if [ -f "$ca/ca.key" ] && [ -f "$ca/ca.crt" ]; then ok "local CA ($ca/ca.crt)"; else did "local CA ($ca/ca.crt)" make_ca; fi
# 397 days: the longest validity browsers accept; re-issued 30 days before its end or when the names change
make_cert() {
  local san; san="$(printf 'DNS:%s,' "${names[@]}")"; san="${san%,}"
  install -d -m 0700 "$tls"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$domain" -keyout "$tls/erpbi.key.new" -out "$tls/erpbi.csr" 2>/dev/null
  openssl x509 -req -in "$tls/erpbi.csr" -CA "$ca/ca.crt" -CAkey "$ca/ca.key" -CAcreateserial -days 397 -out "$tls/erpbi.crt.new" \
    -extfile <(printf 'subjectAltName=%s\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' "$san") 2>/dev/null
  # the chain Traefik serves: the certificate, then the CA's
  cat "$ca/ca.crt" >>"$tls/erpbi.crt.new"
  chmod 0400 "$tls/erpbi.key.new" && chmod 0444 "$tls/erpbi.crt.new"
  mv "$tls/erpbi.key.new" "$tls/erpbi.key" && mv "$tls/erpbi.crt.new" "$tls/erpbi.crt" && rm -f "$tls/erpbi.csr"
}
cert_reason() {
  if [ ! -f "$tls/erpbi.crt" ] || [ ! -f "$tls/erpbi.key" ]; then echo "none yet"; return; fi
  openssl verify -CAfile "$ca/ca.crt" "$tls/erpbi.crt" >/dev/null 2>&1 || { echo "not signed by $ca/ca.crt"; return; }
  openssl x509 -in "$tls/erpbi.crt" -noout -checkend $((30 * 86400)) >/dev/null || { echo "ends within 30 days"; return; }
  local want have
  want="$(printf 'DNS:%s\n' "${names[@]}" | sort | tr '\n' ' ')"
  have="$(openssl x509 -in "$tls/erpbi.crt" -noout -ext subjectAltName | tail -n +2 | tr -d ' ' | tr ',' '\n' | sort | tr '\n' ' ')"
  [ "$want" = "$have" ] || echo "names were ${have% }"
}
reason="$(cert_reason)"
if [ -z "$reason" ]; then ok "certificate for ${names[*]} (until $(openssl x509 -in "$tls/erpbi.crt" -noout -enddate | cut -d= -f2))"
else did "certificate for ${names[*]} ($reason)" make_cert; fi

# ---- 6. the stack ----
if [ "$runtime" = faasd ]; then
  # OpenFaaS itself is never downloaded here (its EULA): faasd CE or OpenFaaS Edge must be installed already.
  { command -v faasd >/dev/null && command -v faas-cli >/dev/null; } || die "--runtime faasd needs faasd and faas-cli installed first (faasd CE, personal use: its own hack/install.sh; OpenFaaS Edge: openfaas.com's instructions, then --faasd-licence FILE); or use --runtime compose"
  [ -z "$licence" ] || [ -f "$licence" ] || die "--faasd-licence $licence: no such file"
  if [ -n "$licence" ] && ! cmp -s "$licence" /var/lib/faasd/secrets/openfaas_license 2>/dev/null; then
    did "OpenFaaS Edge licence (/var/lib/faasd/secrets/openfaas_license)" install -m 0600 "$licence" /var/lib/faasd/secrets/openfaas_license
  fi
  # faasd's compose file: faasd's own services (kept as it installed them) + erpbi's extras, for this domain
  faasd_file=/var/lib/faasd/docker-compose.yaml
  if [ -f "$faasd_file.orig" ]; then ok "faasd's own compose file kept ($faasd_file.orig)"
  else did "faasd's own compose file kept ($faasd_file.orig)" cp -p "$faasd_file" "$faasd_file.orig"; fi
  if [ -f "$faasd_file.orig" ]; then
    wanted="$(docker run --rm --network none --cap-drop ALL --user 0:0 -v "$repo/bin:/app/bin:ro" -v "$repo/cli:/app/cli:ro" -v "$repo/runtime:/app/runtime:ro" \
      -v "$repo/shared:/app/shared:ro" -v "$repo/compose:/app/compose:ro" -v /var/lib/faasd:/var/lib/faasd:ro "$service_image" \
      node bin/erpbi.mjs install faasd-compose --faasd "$faasd_file.orig" --domain "$domain" --registry "$registry" --secrets "$secrets")"
    write_faasd() { printf '%s\n' "$wanted" >"$faasd_file.new" && mv "$faasd_file.new" "$faasd_file" && systemctl restart faasd; }
    if [ "$(cat "$faasd_file")" = "$wanted" ]; then ok "faasd's compose file with erpbi's services"
    else did "faasd's compose file with erpbi's services (faasd restarted)" write_faasd; fi
  fi
  if [ "$check" = 0 ]; then
    ERPBI_DOMAIN="$domain" REGISTRY="$registry" faas-cli deploy -f "$repo/stack.yml" >/dev/null
    ok "faas-cli deploy -f stack.yml (ERPBI_DOMAIN=$domain REGISTRY=$registry)"
  fi
else
  if [ "${compose_pull:-0}" = 1 ]; then
    compose pull -q
    if [ "$(docker image ls -q --no-trunc | sort | sha256sum)" = "$before" ]; then ok "images from $registry (up to date)"
    else changed=1; echo "done images pulled from $registry"; fi
  fi
  # Unchanged when every service has its container, made from the configuration it has now (compose's
  # config hash), running; a one-shot job (restart policy on-failure: migrate, storage-init) exited 0.
  stack_state() {
    local service hash id hashes
    hashes="$(compose config --hash='*' 2>/dev/null)" || { echo "compose cannot read its files"; return; }
    [ -n "$hashes" ] || { echo "no services"; return; }
    while read -r service hash; do
      id="$(docker ps -aq --filter "label=com.docker.compose.project=$project" --filter "label=com.docker.compose.service=$service" | head -n1)"
      [ -n "$id" ] || { echo "$service not started yet"; return; }
      [ "$(docker inspect -f '{{index .Config.Labels "com.docker.compose.config-hash"}}' "$id")" = "$hash" ] || { echo "$service's configuration changed"; return; }
      if [ "$(docker inspect -f '{{.HostConfig.RestartPolicy.Name}}' "$id")" = on-failure ]; then
        [ "$(docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$id")" = "exited 0" ] || { echo "$service did not finish"; return; }
      else
        [ "$(docker inspect -f '{{.State.Running}}' "$id")" = true ] || { echo "$service is not running"; return; }
      fi
    done <<<"$hashes"
  }
  compose_up() { compose up -d --remove-orphans >"$etc/compose-up.log" 2>&1 || { tail -n 30 "$etc/compose-up.log" >&2; die "compose up failed"; }; }
  if [ -f "$etc/compose.override.yml" ]; then
    state="$(stack_state)"
    if [ -z "$state" ]; then ok "stack $project up (${compose_cmd[*]})"; else did "stack $project up ($state; compose's output in $etc/compose-up.log)" compose_up; fi
  else
    echo "would start the stack $project"; changed=1
  fi
fi

# ---- 7. health: the front door's /healthz through the certificate just made (Traefik -> gateway), then
# Keycloak on its admin port (the erpbi realm imported) ----
https_port="${ERPBI_HTTPS_PORT:-443}" kc="http://127.0.0.1:8081"
wait_for() {
  local what=$1 deadline=$((SECONDS + ${ERPBI_HEALTH_TIMEOUT:-300})); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || die "$what did not answer within ${ERPBI_HEALTH_TIMEOUT:-300} s (docker ps; ${compose_cmd[*]} -p $project logs)"
    sleep 2
  done
}
if [ "$check" = 0 ]; then
  wait_for "https://$domain/healthz" curl -fsS --max-time 5 --cacert "$ca/ca.crt" --resolve "$domain:$https_port:127.0.0.1" "https://$domain:$https_port/healthz"
  wait_for "Keycloak on $kc" curl -fsS --max-time 5 "$kc/realms/erpbi/.well-known/openid-configuration"
  ok "health (https://$domain/healthz 200, Keycloak on $kc)"
fi

# ---- 8. the first admins, through Keycloak's admin REST API on 127.0.0.1:8081 ----
kc_token() { curl -fsS --max-time 20 "$kc/realms/master/protocol/openid-connect/token" --data-urlencode grant_type=password --data-urlencode client_id=admin-cli --data-urlencode "username=$1" --data-urlencode "password=$2" | jq -er .access_token; }
kc_api() { local method=$1 path=$2; shift 2; curl -fsS --max-time 20 -X "$method" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$kc/admin/realms/$path" "$@"; }
user_id() { kc_api GET "$1/users?username=$(jq -rn --arg u "$2" '$u|@uri')&exact=true" | jq -r '.[0].id // empty'; }
password() { openssl rand -hex 18; }
secret_file() { (umask 077 && printf %s "$2" >"$secrets/$1"); chmod 0600 "$secrets/$1"; }
# a user with a permanent password and a realm role; its id on stdout
add_user() {
  local realm=$1 name=$2 pass=$3 role=$4 id body
  body="$(jq -n --arg u "$name" --arg p "$pass" '{username: $u, enabled: true, credentials: [{type: "password", value: $p, temporary: false}]}')"
  kc_api POST "$realm/users" -d "$body" >/dev/null
  id="$(user_id "$realm" "$name")"
  kc_api POST "$realm/users/$id/role-mappings/realm" -d "[$(kc_api GET "$realm/roles/$role")]" >/dev/null
}
permanent=erpbi-admin
if [ "$check" = 0 ]; then
  token=''
  [ -f "$secrets/keycloak-permanent-admin" ] && token="$(kc_token "$permanent" "$(cat "$secrets/keycloak-permanent-admin")" || true)"
  if [ -n "$token" ]; then ok "Keycloak's permanent admin $permanent"
  else
    token="$(kc_token admin "$(cat "$secrets/keycloak-admin-password")")" || die "neither $permanent (secret keycloak-permanent-admin) nor the bootstrap admin can sign in to Keycloak's master realm"
    [ -f "$secrets/keycloak-permanent-admin" ] || secret_file keycloak-permanent-admin "$(password)"
    [ -n "$(user_id master "$permanent")" ] || add_user master "$permanent" "$(cat "$secrets/keycloak-permanent-admin")" admin
    token="$(kc_token "$permanent" "$(cat "$secrets/keycloak-permanent-admin")")" || die "$permanent cannot sign in to Keycloak's master realm"
    changed=1; echo "done Keycloak's permanent admin $permanent, password $(cat "$secrets/keycloak-permanent-admin") (kept in $secrets/keycloak-permanent-admin)"
  fi
  if [ -n "$(user_id erpbi "$admin_user")" ]; then ok "erpbi's admin $admin_user"
  else
    [ -f "$secrets/erpbi-admin-password" ] || secret_file erpbi-admin-password "$(password)"
    add_user erpbi "$admin_user" "$(cat "$secrets/erpbi-admin-password")" admin
    changed=1; echo "done erpbi's admin $admin_user, password $(cat "$secrets/erpbi-admin-password") (kept in $secrets/erpbi-admin-password)"
  fi
  bootstrap="$(user_id master admin)"
  if [ -z "$bootstrap" ]; then ok "Keycloak's bootstrap admin removed"
  else kc_api DELETE "master/users/$bootstrap" >/dev/null; changed=1; echo "done Keycloak's bootstrap admin removed"; fi
fi

# ---- 9. backups: the target (for erpbi-backup's job) and the nightly timer ----
# where erpbi-backup finds this box (its defaults are these, but for a test's ERPBI_ETC and project)
ensure_value "$backup_env" 0600 ERPBI_RUNTIME "$runtime"
ensure_value "$backup_env" 0600 ERPBI_PROJECT "$project"
ensure_value "$backup_env" 0600 ERPBI_ENV_FILE "$env_file"
ensure_value "$backup_env" 0600 ERPBI_SECRETS "$secrets"
if [ -n "$backup_target" ]; then
  if [ -f "$secrets/restic-password" ]; then ok "secret restic-password (the backup repository's)"
  else did "secret restic-password (the backup repository's)" secret_file restic-password "$(password)"; fi
  ensure_value "$backup_env" 0600 ERPBI_BACKUP_TARGET "$backup_target"
  ensure_value "$backup_env" 0600 RESTIC_PASSWORD_FILE "$secrets/restic-password"
elif [ -z "$(value "$backup_env" ERPBI_BACKUP_TARGET)" ]; then
  todo+=("Backups stay on this box until you give a target: sudo ./install.sh --backup-target sftp:user@host:/srv/erpbi (or a path, s3:, rest:, rclone:)")
fi
if [ "$systemd" = 0 ]; then ok "backup timer skipped: no systemd here (run compose/systemd/erpbi-backup from cron or the host's scheduler)"
else
  units_same=1
  for u in erpbi-backup.service erpbi-backup.timer; do cmp -s "$repo/compose/systemd/$u" "/etc/systemd/system/$u" || units_same=0; done
  if [ "$units_same" = 1 ] && systemctl is-enabled --quiet erpbi-backup.timer 2>/dev/null; then ok "backup timer erpbi-backup.timer enabled"
  else
    enable_timer() { install -m 0644 "$repo"/compose/systemd/erpbi-backup.{service,timer} /etc/systemd/system/ && systemctl daemon-reload && systemctl enable --now erpbi-backup.timer; }
    did "backup timer erpbi-backup.timer enabled" enable_timer
  fi
fi

# ---- what a person must still do ----
echo
echo "By hand (the installer cannot):"
echo "  - DNS: $domain, auth.$domain and grafana.$domain -> this box's address (on the router, or each device's hosts file)"
echo "  - Trust the local CA on every device that opens erpbi: $ca/ca.crt (docs/deploy-pi.md, \"Trusting the local CA\")"
if ! grep -qs '^ERPBI_BACKUP_RECIPIENTS' "$backup_env"; then
  echo "  - Make the backup's key pair OFF this box (age-keygen -o erpbi-backup.key; keep that file there) and put its"
  echo "    public line in $backup_env: ERPBI_BACKUP_RECIPIENTS=age1... (no backup is written before)"
fi
[ ! -f "$secrets/restic-password" ] || echo "  - Keep a copy of $secrets/restic-password off this box: the backup repository opens with it alone"
echo "  - Sign in at https://$domain as $admin_user (password in $secrets/erpbi-admin-password) and save the Company screen"
for t in "${todo[@]}"; do echo "  - $t"; done
[ "$check" = 1 ] && [ "$changed" = 1 ] && exit 1
exit 0
