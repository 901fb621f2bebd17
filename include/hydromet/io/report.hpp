// Self-contained HTML reports of a run: flowsheet diagram and plots as inline SVG, stream table, balances,
// KPIs.
#pragma once

#include <string>
#include <vector>

#include "hydromet/flowsheet/flowsheet.hpp"
#include "hydromet/flowsheet/results.hpp"

namespace hydromet {

/// Where a unit sits in the flowsheet diagram: its layer (column) and position in the layer (row).
struct DiagramPlacement {
  std::size_t layer = 0;
  std::size_t row = 0;
};

/// Layered layout of the flowsheet graph (after Sugiyama): recycle edges found by a depth-first search from
/// the sources are set aside, every unit goes to the layer of its longest path from a source, and units are
/// ordered within layers by the barycentre of their neighbours (a few down and up sweeps). One per unit.
[[nodiscard]] std::vector<DiagramPlacement> layout_flowsheet(const Flowsheet& flowsheet);

/// The flowsheet as an SVG diagram: units as boxes in layers, connections as arrows (recycles dashed).
[[nodiscard]] std::string format_svg_diagram(const Flowsheet& flowsheet);

/// One HTML page with no external resources: summary, diagram, KPIs, stream table at the last output time,
/// unit and plant element balances, time-series plots of every unit's outputs, solver statistics.
[[nodiscard]] std::string format_html_report(const Flowsheet& flowsheet, const SimulationResult& result);
/// The same for a steady state (outputs as a table instead of plots).
[[nodiscard]] std::string format_html_report(const Flowsheet& flowsheet, const SteadyStateResult& result);

}  // namespace hydromet
