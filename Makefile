# hydromet — the two commands are `make demo` and `make test`; both install what is missing first.
PRESET ?= release
BUILD_DIR := build/$(PRESET)
PYTHON := /usr/bin/python3
JOBS ?= $(shell nproc)
DEMO ?= flowsheets/w_wolframite_to_apt.yaml
DEMO_OUT ?= results/demo
BENCH_OUT ?= benchmarks/results
# Wall-clock seconds each reference flowsheet's dynamic run may take in make bench.
BENCH_FLOWSHEET_BUDGET ?= 30
FUZZ_SECONDS ?= 60

.PHONY: all deps configure build demo test test-sanitize test-tsan bench bench-compare install clean format fuzz

all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@mkdir -p build && (cmake --preset $(PRESET) >build/$(PRESET).configure.log 2>&1 || (cat build/$(PRESET).configure.log; exit 1))

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

demo: build
	$(BUILD_DIR)/src/cli/hydromet run $(DEMO) --steady --out $(DEMO_OUT)
	MPLBACKEND=Agg $(PYTHON) examples/plot_steady_plant.py $(DEMO_OUT)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

# The whole C++ and Python suite under AddressSanitizer + UndefinedBehaviorSanitizer (docs/reliability.md).
test-sanitize:
	$(MAKE) test PRESET=asan-ubsan

# ThreadSanitizer over the threaded sweeps and concurrent solves: C++ (test_io) and Python (test_sweep.py).
TSAN_TARGETS := test_io hydromet_python hydromet_python_files hydromet_cli
test-tsan:
	$(MAKE) configure PRESET=tsan
	cmake --build build/tsan -j $(JOBS) --target $(TSAN_TARGETS)
	ctest --test-dir build/tsan --output-on-failure -R '^(test_io|pytest)$$'

# hydromet against SciPy and hand-written SUNDIALS at equal accuracy, then the rest of the suite: one table,
# JSON under $(BENCH_OUT) (docs/benchmarks.md).
bench: build
	@mkdir -p $(BENCH_OUT)
	$(PYTHON) scripts/bench_table.py --build-dir $(BUILD_DIR) --out $(BENCH_OUT) --flowsheet-budget $(BENCH_FLOWSHEET_BUDGET)

# make bench-compare BASE=<git ref> [BENCH_FILTER=<regex>]: the base built in a temporary worktree against this tree.
# The default filter keeps one tolerance (rtol 1e-6) of the equal-accuracy ladders and leaves out the reference
# flowsheets' dynamic runs (capped by a wall-clock budget, their times compare nothing while they hit it).
BASE ?= HEAD
BENCH_FILTER ?= -(scheelite_train_dynamic/[^6]|sx_compare_dynamic/[0-9]+/[^6]|reference_(dynamic|step))
bench-compare: build
	bash scripts/bench_compare.sh $(BASE) $(BUILD_DIR) '$(BENCH_FILTER)'

fuzz:
	bash scripts/fuzz.sh $(FUZZ_SECONDS)

install: build
	cmake --install $(BUILD_DIR)
	ldconfig

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf build results
