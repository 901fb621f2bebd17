#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang + ASan + UBSan and runs each for a bounded time.
#   scripts/fuzz.sh [seconds-per-target] [target...]     (default: 60 s, every target)
# Environment: FUZZ_BUILD_DIR (build/fuzz), FUZZ_WORK_DIR (build/fuzz/work), FUZZ_JOBS (parallel targets, 1),
# FUZZ_FORK=1 (libFuzzer -fork=1: keep fuzzing after a timeout or out-of-memory input, which is still saved
# and still fails the script; use it to look past a known hang).
# Seeds are read from fuzz/corpus/<target>/ (and data/ for database, flowsheets/ for flowsheet) and never
# written; the growing corpus lives in the work dir. A crash, leak, undefined behaviour, timeout (> 10 s), input
# needing > 2 GB or unexpected exception found by this run leaves its input in <work dir>/artifacts/<target>/ and
# makes the script exit non-zero. Reproduce with: HYDROMET_DATA_DIR=data build/fuzz/fuzzers/fuzz_<target> FILE
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-60}
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(quantity formula reaction database flowsheet expression)
fi
build_dir=${FUZZ_BUILD_DIR:-$root/build/fuzz}
work_dir=${FUZZ_WORK_DIR:-$build_dir/work}
jobs=${FUZZ_JOBS:-1}

bash "$root/scripts/install-deps.sh" --fuzz
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  mkdir -p "$(dirname "$build_dir")"
  CC=clang CXX=clang++ cmake -S "$root/fuzz" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$build_dir.configure.log" 2>&1 ||
    {
      cat "$build_dir.configure.log"
      exit 1
    }
fi
cmake --build "$build_dir" -j "$(nproc)" --target $(printf 'fuzz_%s ' "${targets[@]}")

# Runs one target; its log is $work_dir/<target>.log.
run_target() {
  local target=$1
  local corpus=$work_dir/$target
  mkdir -p "$corpus" "$work_dir/artifacts/$target"
  local extra=()
  local seeds=("$root/fuzz/corpus/$target")
  case $target in
    database) seeds+=("$root/data") ;;
    flowsheet) seeds+=("$root/flowsheets") ;;
  esac
  if [[ ${FUZZ_FORK:-0} == 1 ]]; then
    extra+=(-fork=1 -ignore_timeouts=1 -ignore_ooms=1)
  fi
  if [[ -f "$root/fuzz/dict/$target.dict" ]]; then
    extra+=("-dict=$root/fuzz/dict/$target.dict")
  fi
  # The bundled database is found through HYDROMET_DATA_DIR; leaks are findings (ASan's LeakSanitizer).
  HYDROMET_DATA_DIR="$root/data" "$build_dir/fuzzers/fuzz_$target" "$corpus" "${seeds[@]}" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work_dir/artifacts/$target/" "${extra[@]}" >"$work_dir/$target.log" 2>&1
}

mkdir -p "$work_dir"
started=$work_dir/.started  # findings of earlier runs stay in artifacts/ but do not count for this one
touch "$started"
declare -A status
pids=()
names=()
for target in "${targets[@]}"; do
  run_target "$target" &
  pids+=($!)
  names+=("$target")
  if ((${#pids[@]} >= jobs)); then
    wait "${pids[0]}" && status[${names[0]}]=0 || status[${names[0]}]=$?
    pids=("${pids[@]:1}")
    names=("${names[@]:1}")
  fi
done
for index in "${!pids[@]}"; do
  wait "${pids[$index]}" && status[${names[$index]}]=0 || status[${names[$index]}]=$?
done

failed=0
printf '%-10s %12s %10s %8s %8s  %s\n' target executions exec/s cov ft result
for target in "${targets[@]}"; do
  log=$work_dir/$target.log
  artifacts=$(find "$work_dir/artifacts/$target" -type f -newer "$started" | wc -l)
  if [[ ${FUZZ_FORK:-0} == 1 ]]; then
    # Fork mode prints `#runs: cov: ... exec/s N ...` per job and no final stats.
    runs=$(sed -n 's/^#\([0-9]*\): cov:.*/\1/p' "$log" | tail -1)
    speed=$(sed -n 's/^#[0-9]*: cov:.* exec\/s \([0-9]*\) .*/\1/p' "$log" | tail -1)
    status[$target]=0  # the exit code of fork mode is that of its last job; the artifacts decide
  else
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  fi
  # Coverage at the end of the run: libFuzzer's `cov:` (instrumented edges hit) and `ft:` (features).
  cov=$(sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\).*/\1/p' "$log" | tail -1)
  features=$(sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\).*/\2/p' "$log" | tail -1)
  if [[ ${status[$target]} -eq 0 && $artifacts -eq 0 ]]; then
    result=ok
  else
    result="FAILED (exit ${status[$target]}, $artifacts input(s) in $work_dir/artifacts/$target/; log $log)"
    failed=1
  fi
  printf '%-10s %12s %10s %8s %8s  %s\n' "$target" "${runs:-?}" "${speed:-?}" "${cov:-?}" "${features:-?}" "$result"
done
exit "$failed"
