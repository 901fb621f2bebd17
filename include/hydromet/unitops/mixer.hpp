// mixer: combines N inlet streams into one, without inventory.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "hydromet/unitops/unit_operation.hpp"

namespace hydromet {

struct MixerParameters {
  std::size_t inlet_count = 2;  ///< ports `in1`..`inN`
};

/// Outlet `out` = the sum of the inlets (mix_into): every molar and volumetric flow adds; the temperature is
/// the aqueous-flow-weighted mean. Elements are conserved exactly (up to the rounding of the sums).
class Mixer final : public StreamReportingUnit {
 public:
  Mixer(std::string name, MixerParameters parameters);

  [[nodiscard]] std::string_view type() const override { return "mixer"; }
  [[nodiscard]] std::vector<std::string> inlet_ports() const override;
  [[nodiscard]] std::vector<std::string> outlet_ports() const override { return {"out"}; }
  void bind(const ComponentList& components) override { components_ = &components; }
  void compute_outlets(double t, ConstSpan y, std::span<const Stream> inlets,
                       std::span<Stream> outlets) const override;
  /// The outlet as report_stream gives it: flow, T, c[species], organic_flow, solids[mineral].
  [[nodiscard]] std::optional<StreamCoupling> stream_coupling() const override;
  [[nodiscard]] std::vector<UnitOutput> stream_outputs(double t,
                                                       std::span<const Stream> inlets) const override;

 private:
  MixerParameters parameters_;
};

}  // namespace hydromet
