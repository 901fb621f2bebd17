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
/// The stream table: one column per stream; flows in m3/h and kg/h, concentrations in mol/L, T in degC.
[[nodiscard]] std::string format_stream_table(const std::vector<StreamRecord>& streams,
                                              const ComponentNames& names);
/// Unit balances and KPIs of a snapshot.
[[nodiscard]] std::string format_snapshot(const Snapshot& snapshot, const ComponentNames& names);
/// A steady-state report: convergence, unit outputs, stream table, balances, KPIs.
[[nodiscard]] std::string format_steady_table(const Flowsheet& flowsheet, const SteadyStateResult& result);
[[nodiscard]] std::string format_steady_json(const Flowsheet& flowsheet, const SteadyStateResult& result);
/// CSV of the stream table: one row per stream, columns for every flow and concentration with units.
[[nodiscard]] std::string format_stream_csv(const std::vector<StreamRecord>& streams,
                                            const ComponentNames& names);
/// Graphviz DOT of the flowsheet: units as nodes (inventory units as boxes), connections as labelled edges.
[[nodiscard]] std::string format_dot(const Flowsheet& flowsheet);

/// CSV: one row per output time, columns `time [s]`, then every output `name [unit]`.
[[nodiscard]] std::string format_csv(const SimulationResult& result);
/// JSON: times, outputs, states, element balance and statistics.
[[nodiscard]] std::string format_json(const Flowsheet& flowsheet, const SimulationResult& result);

/// Writes `content` to `path` through a temporary file and a rename, so that a failure never leaves a
/// partial file behind. Throws Error naming the path.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace hydromet
