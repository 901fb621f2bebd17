// splitter: divides one stream among named outlets, by fixed fractions or by a flow set point.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hydromet/core/units.hpp"
#include "hydromet/unitops/unit_operation.hpp"

namespace hydromet {

/// Typed parameters of a splitter: either `fractions` or `set_point`.
struct SplitterParameters {
  struct Fraction {
    std::string outlet;
    double fraction = 0.0;  ///< share of the inlet [-]; the shares add up to 1 within 1e-12
  };
  /// The outlet `outlet` takes an aqueous flow `flow`; `remainder` takes the rest.
  struct SetPoint {
    std::string outlet;
    VolumetricFlow flow{0.0 * units::cubic_meter / units::second};
    std::string remainder;
  };

  std::vector<Fraction> fractions;
  std::optional<SetPoint> set_point;
};

/// Splits inlet `in` without changing its composition: outlet j gets φ_j times every flow of every phase
/// (aqueous, organic, solids), at the inlet temperature.
///  - fractions: φ_j given, Σ φ_j = 1 (checked to 1e-12); the last outlet takes 1 − Σ of the others so that
///    the outlets add up to the inlet to rounding.
///  - set point: φ_sp = min(Q_sp / Q_in, 1) (φ_sp = 1 when Q_in = 0) and φ_rest = 1 − φ_sp. When the set
///    point exceeds the inlet flow, the whole inlet goes to the set-point outlet; φ is continuous in Q_in.
class Splitter final : public StreamReportingUnit {
 public:
  Splitter(std::string name, SplitterParameters parameters);

  [[nodiscard]] std::string_view type() const override { return "splitter"; }
  [[nodiscard]] std::vector<std::string> inlet_ports() const override { return {"in"}; }
  [[nodiscard]] std::vector<std::string> outlet_ports() const override { return outlets_; }
  void bind(const ComponentList& components) override { components_ = &components; }
  void compute_outlets(double t, ConstSpan y, std::span<const Stream> inlets,
                       std::span<Stream> outlets) const override;
  /// flow[outlet] [m3/s] and fraction[outlet] [-] for every outlet.
  [[nodiscard]] std::optional<StreamCoupling> stream_coupling() const override;
  [[nodiscard]] std::vector<UnitOutput> stream_outputs(double t,
                                                       std::span<const Stream> inlets) const override;

  /// The share of the inlet each outlet receives, in outlet_ports() order, for an inlet aqueous flow [m3/s].
  [[nodiscard]] std::vector<double> split_fractions(double inlet_flow) const;
  [[nodiscard]] const SplitterParameters& parameters() const { return parameters_; }

 private:
  SplitterParameters parameters_;
  std::vector<std::string> outlets_;
};

}  // namespace hydromet
