#!/usr/bin/env bash
# Installs the Debian 12 packages flowspike needs to build and test, when run as
# root and something is missing. Sourced by scripts/demo and scripts/test.
set -euo pipefail

FLOWSPIKE_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libpcap-dev libhdf5-dev libcli11-dev libfmt-dev nlohmann-json3-dev libeigen3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # Used by tests that compare with or read our outputs: tshark (flow counts),
  # tcpdump (reads synthetic captures), h5py (opens dataset files).
  tshark tcpdump python3-h5py
)

flowspike_install_deps() {
  local missing=()
  for p in "${FLOWSPIKE_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  if [[ $(id -u) -ne 0 ]]; then
    echo "flowspike: missing Debian packages: ${missing[*]}" >&2
    echo "flowspike: run as root, or: sudo apt-get install ${missing[*]}" >&2
    return 1
  fi
  echo "flowspike: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Configures and builds into $1 (default: build) with warnings as errors.
flowspike_build() {
  local dir=${1:-build}
  local generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  cmake -S . -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLOWSPIKE_WERROR=ON >/dev/null
  cmake --build "$dir" --parallel "$(nproc)"
}
