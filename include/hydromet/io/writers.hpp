// Writers for results: a readable text table, CSV and JSON, written atomically.
#pragma once

#include <string>

#include "hydromet/flowsheet/flowsheet.hpp"
#include "hydromet/flowsheet/results.hpp"

namespace hydromet {

/// A text report: run summary, outputs at every output time (unit outputs in display units), the element
/// balance and solver statistics. `max_rows` thins the time rows evenly (ends kept).
[[nodiscard]] std::string format_table(const Flowsheet& flowsheet, const SimulationResult& result,
                                       std::size_t max_rows = 13);
/// CSV: one row per output time, columns `time [s]`, then every output `name [unit]`.
[[nodiscard]] std::string format_csv(const SimulationResult& result);
/// JSON: times, outputs, states, element balance and statistics.
[[nodiscard]] std::string format_json(const Flowsheet& flowsheet, const SimulationResult& result);

/// Writes `content` to `path` through a temporary file and a rename, so that a failure never leaves a
/// partial file behind. Throws Error naming the path.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace hydromet
