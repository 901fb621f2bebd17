// Parameter sweeps: many variants of one flowsheet solved in C++ threads.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace hydromet {

/// One case of a sweep: parameter assignments applied to the flowsheet's YAML (see io/parameters.hpp).
using SweepCase = std::vector<std::pair<std::string, std::string>>;

enum class SweepMode {
  steady,   ///< solve_steady(); outputs are unit outputs or KPIs at the steady state
  dynamic,  ///< simulate() over the file's own output times; outputs at the last time
};

struct SweepCaseResult {
  std::vector<double> values;  ///< one per requested output (NaN when the case failed)
  std::string error;           ///< empty on success; else the error message (the case did not stop the sweep)
};

/// Solves every case and reads `outputs` (unit outputs such as `tank.c[Na+]`, or KPI names). Cases run on
/// `threads` worker threads (0: hardware concurrency); each case is independent, so results do not depend
/// on the number of threads, bit for bit. A failing case is reported in its result and does not stop others.
[[nodiscard]] std::vector<SweepCaseResult> run_sweep(const std::string& yaml_text,
                                                     const std::vector<SweepCase>& cases,
                                                     const std::vector<std::string>& outputs, SweepMode mode,
                                                     std::size_t threads);

}  // namespace hydromet
