// The benchmark program's main.
#include <benchmark/benchmark.h>

BENCHMARK_MAIN();
