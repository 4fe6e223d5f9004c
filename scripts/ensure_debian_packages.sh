#!/usr/bin/env bash
# Install the Debian packages named on the command line that are not installed yet.
#
#   scripts/ensure_debian_packages.sh chromium fonts-noto-cjk
#
# Does nothing (and needs no network) when they are all there. As root it runs `apt-get update` and
# `apt-get install`; otherwise it says exactly what to run and exits 1.
set -euo pipefail

missing=()
for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    cat >&2 <<MSG
speech-archive: these packages are needed but this is not a Debian-like system: ${missing[*]}
Install their equivalents with your package manager, then run the command again.
MSG
    exit 1
fi

if [ "$(id -u)" -ne 0 ]; then
    cat >&2 <<MSG

speech-archive: these Debian packages are needed but not installed: ${missing[*]}
Installing them needs root. Run this once, then run the same make command again:

    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}

MSG
    exit 1
fi

echo "Installing Debian packages: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends "${missing[@]}"
