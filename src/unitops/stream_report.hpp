// Internal: the scalars an engineer reads off a stream (flows, concentrations, solids), for unit outputs.
#pragma once

#include <string>
#include <vector>

#include "hydromet/unitops/unit_operation.hpp"

namespace hydromet::detail {

/// Appends `prefix`flow [m3/s], `prefix`T [K], `prefix`c[species] [mol/m3] for every aqueous species,
/// `prefix`organic_flow [m3/s] and `prefix`solids[mineral] [kg/s] for every solid: the same list for every
/// stream of the same components.
void report_stream(const std::string& prefix, const Stream& stream, const ComponentList& components,
                   std::vector<UnitOutput>& outputs);
/// The values of report_stream, in its order, appended to `values` (no names built).
void report_stream_values(const Stream& stream, const ComponentList& components, std::vector<double>& values);

}  // namespace hydromet::detail
