// The scalars reported for a stream.
#include "unitops/stream_report.hpp"

namespace hydromet::detail {

void report_stream(const std::string& prefix, const Stream& stream, const ComponentList& components,
                   std::vector<UnitOutput>& outputs) {
  outputs.push_back({prefix + "flow", stream.aqueous_flow, "m3/s"});
  outputs.push_back({prefix + "T", stream.temperature, "K"});
  for (std::size_t i = 0; i < components.aqueous_count(); ++i) {
    outputs.push_back({prefix + "c[" + components.aqueous(i).name + "]",
                       stream.concentration(static_cast<Eigen::Index>(i)), "mol/m3"});
  }
  outputs.push_back({prefix + "organic_flow", stream.organic_flow, "m3/s"});
  const Vector solids = stream.solid_totals();
  for (std::size_t s = 0; s < components.solid_count(); ++s) {
    const auto row = static_cast<Eigen::Index>(s);
    outputs.push_back({prefix + "solids[" + components.solid(s).name + "]",
                       solids[row] * components.solid_molar_masses()[row], "kg/s"});
  }
}

}  // namespace hydromet::detail
