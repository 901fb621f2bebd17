// The scalars reported for a stream.
#include "unitops/stream_report.hpp"

namespace hydromet::detail {
namespace {

// Calls add(name, value, unit) for each reported scalar of `stream`, in report order; `name` is a callable
// that builds the name, so that a caller wanting the values alone builds no strings.
template <class Add>
void each_stream_scalar(const Stream& stream, const ComponentList& components, Add&& add) {
  add([] { return std::string("flow"); }, stream.aqueous_flow, "m3/s");
  add([] { return std::string("T"); }, stream.temperature, "K");
  for (std::size_t i = 0; i < components.aqueous_count(); ++i) {
    add([&] { return "c[" + components.aqueous(i).name + "]"; },
        stream.concentration(static_cast<Eigen::Index>(i)), "mol/m3");
  }
  add([] { return std::string("organic_flow"); }, stream.organic_flow, "m3/s");
  if (components.solid_count() == 0) {
    return;
  }
  const Vector solids = stream.solid_totals();
  for (std::size_t s = 0; s < components.solid_count(); ++s) {
    const auto row = static_cast<Eigen::Index>(s);
    add([&] { return "solids[" + components.solid(s).name + "]"; },
        solids[row] * components.solid_molar_masses()[row], "kg/s");
  }
}

}  // namespace

void report_stream(const std::string& prefix, const Stream& stream, const ComponentList& components,
                   std::vector<UnitOutput>& outputs) {
  each_stream_scalar(stream, components, [&](const auto& name, double value, const char* unit) {
    outputs.push_back({prefix + name(), value, unit});
  });
}

void report_stream_values(const Stream& stream, const ComponentList& components,
                          std::vector<double>& values) {
  each_stream_scalar(stream, components, [&](const auto& name, double value, const char* unit) {
    (void)name, (void)unit;
    values.push_back(value);
  });
}

}  // namespace hydromet::detail
