// product: a sink that takes a stream out of the flowsheet and reports what it receives.
#pragma once

#include <string>
#include <vector>

#include "hydromet/unitops/unit_operation.hpp"

namespace hydromet {

/// Sink with inlet `in` and no outlets; the flowsheet integrates its element flows as plant outflow.
class Product final : public StreamReportingUnit {
 public:
  explicit Product(std::string name) : StreamReportingUnit(std::move(name)) {}

  [[nodiscard]] std::string_view type() const override { return "product"; }
  [[nodiscard]] std::vector<std::string> inlet_ports() const override { return {"in"}; }
  [[nodiscard]] Boundary boundary() const override { return Boundary::sink; }
  void bind(const ComponentList& components) override { components_ = &components; }
  /// What it receives, as report_stream gives it: flow [m3/s], T [K], c[species] [mol/m3], organic_flow
  /// [m3/s], solids[mineral] [kg/s].
  [[nodiscard]] std::vector<UnitOutput> stream_outputs(double t,
                                                       std::span<const Stream> inlets) const override;
  /// The values of stream_outputs, without building the names.
  void report_values(double t, ConstSpan y, std::span<const Stream> inlets,
                     std::vector<double>& values) const override;
};

}  // namespace hydromet
