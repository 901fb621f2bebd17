#!/usr/bin/env bash
# Installs every Debian 12 package hydromet needs to build, test, benchmark and run its demo.
# With --fuzz, also clang and the libFuzzer runtime for scripts/fuzz.sh.
# Idempotent: runs `apt-get update` and `apt-get install` only when a package is missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git clang-format
  libsundials-dev libsuitesparse-dev libeigen3-dev libyaml-cpp-dev libboost-dev
  libmuparser-dev libcli11-dev libfmt-dev doctest-dev libbenchmark-dev pybind11-dev
  python3 python3-dev python3-numpy python3-pandas python3-scipy python3-matplotlib
  python3-pytest python3-tqdm python3-distributed
  chromium  # headless, for the report screenshot test (tests/python/test_cli_report_sweep.py)
)
# Only with --fuzz (scripts/fuzz.sh): clang and its libFuzzer/sanitizer runtimes for the fuzz/ targets.
fuzz_packages=(clang libclang-rt-14-dev)
if [[ "${1:-}" == "--fuzz" ]]; then
  packages+=("${fuzz_packages[@]}")
fi

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
