#!/usr/bin/env bash
# `make bench-compare BASE=<git ref>`: builds hydromet_bench at BASE in a temporary git worktree (build directory
# build/bench-compare/base) and compares it with the working tree's build, case by case, in one run.
# Usage: scripts/bench_compare.sh BASE HEAD_BUILD_DIR [FILTER] [ROUNDS]
set -euo pipefail
base_ref=${1:?usage: bench_compare.sh BASE HEAD_BUILD_DIR [FILTER] [ROUNDS]}
head_build=${2:?usage: bench_compare.sh BASE HEAD_BUILD_DIR [FILTER] [ROUNDS]}
filter=${3:-.}
rounds=${4:-3}
root=$(git rev-parse --show-toplevel)
cd "$root"
commit=$(git rev-parse --verify "${base_ref}^{commit}")
# A fixed place (removed on exit) so that ccache hits from one comparison to the next.
work=$root/build/bench-compare
source_dir=$work/src
build_dir=$work/base
mkdir -p "$work"
git worktree remove --force "$source_dir" >/dev/null 2>&1 || rm -rf "$source_dir"
git worktree prune
cleanup() { git worktree remove --force "$source_dir" >/dev/null 2>&1 || rm -rf "$source_dir"; git worktree prune; }
trap cleanup EXIT
git worktree add --detach --quiet "$source_dir" "$commit"
export CCACHE_BASEDIR=$work
echo "base $base_ref = $commit in $source_dir, built in $build_dir" >&2
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S "$source_dir" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DPython_EXECUTABLE=/usr/bin/python3 \
  -DHYDROMET_BUILD_PYTHON=OFF -DHYDROMET_BUILD_TESTS=OFF "${launcher[@]}" >"$build_dir.configure.log" 2>&1 ||
  { cat "$build_dir.configure.log"; exit 1; }
cmake --build "$build_dir" -j "$(nproc)" --target hydromet_bench >"$build_dir.build.log" 2>&1 ||
  { tail -50 "$build_dir.build.log"; exit 1; }
/usr/bin/python3 "$root/scripts/bench_table.py" --compare "$build_dir/benchmarks/hydromet_bench" \
  "$source_dir/data" "$head_build/benchmarks/hydromet_bench" --filter "$filter" --rounds "$rounds" \
  --out "$root/benchmarks/results"
