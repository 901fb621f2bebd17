// organic_feed: a constant source of organic phase (fresh or make-up solvent: diluent with extractant).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "hydromet/unitops/unit_operation.hpp"

namespace hydromet {

/// Typed parameters of an organic feed.
struct OrganicFeedParameters {
  double flow = 0.0;            ///< organic volumetric flow [m3/s]
  double temperature = 298.15;  ///< [K]
  /// Organic species and their concentrations in the organic phase [mol/m3]; the rest is diluent.
  std::vector<std::pair<std::string, double>> composition;
};

/// Source of organic phase at port `out`: flow Q_org, molar flows c_i Q_org of its organic species.
class OrganicFeed final : public UnitOperation {
 public:
  OrganicFeed(std::string name, OrganicFeedParameters parameters);

  [[nodiscard]] std::string_view type() const override { return "organic_feed"; }
  [[nodiscard]] std::vector<std::string> outlet_ports() const override { return {"out"}; }
  [[nodiscard]] Boundary boundary() const override { return Boundary::source; }
  void bind(const ComponentList& components) override;
  [[nodiscard]] bool outlets_constant() const override { return true; }
  void compute_outlets(double t, ConstSpan y, std::span<const Stream> inlets,
                       std::span<Stream> outlets) const override;
  /// flow [m3/s], c_org[species] [mol/m3] of every organic species.
  [[nodiscard]] std::vector<UnitOutput> outputs(double t, ConstSpan y) const override;
  /// The values of outputs(t, y), without building the names.
  void report_values(double t, ConstSpan y, std::span<const Stream> inlets,
                     std::vector<double>& values) const override;

 private:
  OrganicFeedParameters parameters_;
  Stream stream_;
};

}  // namespace hydromet
