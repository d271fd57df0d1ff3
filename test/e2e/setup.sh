#!/usr/bin/env bash
# Prepares what the host and end-to-end tests need: Debian's chromium, libkrb5-dev and ripgrep,
# and the pinned code-server in tools/code-server. Idempotent and quick when already done.
# Why each step exists is in /work/shared/E2E.md ("install fixes needed here").
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cs_dir="$repo/tools/code-server"
stamp="$cs_dir/node_modules/.vfio-lab-lock.sha256"

log() { printf '[e2e:setup] %s\n' "$*"; }
# Read the version from package.json: running `code-server --version` writes into $HOME.
cs_version() { node -p "require('$cs_dir/node_modules/code-server/package.json').version"; }

# --- 1. Debian packages (only the missing ones; apt-get update only when something is missing)
packages=(chromium libkrb5-dev ripgrep)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then sudo=(sudo -n); fi
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  timeout 600 "${sudo[@]}" apt-get update -qq </dev/null
  timeout 900 "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
else
  log "Debian packages present: ${packages[*]}"
fi

# --- 2. ripgrep archive in @vscode/ripgrep's download cache, so its postinstall does not go to
# GitHub (unreachable here). Versions belong to code-server 4.100.3: @vscode/ripgrep 1.15.11
# (lib/vscode/npm-shrinkwrap.json) downloads asset v13.0.0-10 (its lib/postinstall.js).
rg_pkg_version=1.15.11
rg_asset_version=v13.0.0-10
case "$(uname -m)" in
  x86_64) rg_target=x86_64-unknown-linux-musl ;;
  aarch64) rg_target=aarch64-unknown-linux-musl ;;
  *) echo "[e2e:setup] unsupported machine $(uname -m)" >&2; exit 1 ;;
esac
rg_cache="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-$rg_pkg_version"
rg_archive="$rg_cache/ripgrep-$rg_asset_version-$rg_target.tar.gz"
if [[ ! -s "$rg_archive" ]]; then
  log "creating $rg_archive from /usr/bin/rg"
  mkdir -p "$rg_cache"
  rg_tmp="$(mktemp -d)"
  cp /usr/bin/rg "$rg_tmp/rg"
  tar -czf "$rg_archive.part" -C "$rg_tmp" rg
  mv "$rg_archive.part" "$rg_archive"
  rm -rf "$rg_tmp"
fi

# --- 3. code-server, only when missing or when the lockfile changed since the last npm ci
lock_sum="$(sha256sum "$cs_dir/package-lock.json" | cut -d' ' -f1)"
if [[ -x "$cs_dir/node_modules/.bin/code-server" && -f "$stamp" && "$(cat "$stamp")" == "$lock_sum" ]]; then
  log "code-server $(cs_version) up to date"
  exit 0
fi
log "npm ci in tools/code-server (about 35 s)"
# --unsafe-perm: code-server's postinstall checks it when run as root (npm 11 warns but exports it).
# npm_config_yes: a nested `npx node-gyp` is otherwise cancelled without a terminal.
(cd "$cs_dir" && npm_config_yes=true timeout 1200 npm ci --unsafe-perm --no-audit --no-fund </dev/null)
if [[ ! -x "$cs_dir/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ]]; then
  echo "[e2e:setup] code-server installed without ripgrep; check the cache versions above" >&2
  exit 1
fi
echo "$lock_sum" >"$stamp"
log "code-server $(cs_version) ready"
