#!/usr/bin/env bash
# Makes sure QEMU (qemu-system-x86_64, qemu-img) and GNU as/ld (for the test guest kernel) are installed: installs them
# with apt-get when missing and this runs as root; otherwise says what to install and fails.
set -euo pipefail

missing=()
command -v qemu-system-x86_64 >/dev/null 2>&1 || missing+=(qemu-system-x86)
command -v qemu-img >/dev/null 2>&1 || missing+=(qemu-utils)
command -v as >/dev/null 2>&1 && command -v ld >/dev/null 2>&1 || missing+=(binutils)
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "== installing ${missing[*]} (apt-get, --no-install-recommends: ~18 MB)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
else
  echo "QEMU is missing: install ${missing[*]} (e.g. sudo apt-get install --no-install-recommends ${missing[*]})" >&2
  exit 1
fi
