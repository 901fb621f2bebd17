// reactor: a stoichiometric (fixed-conversion) reactor without inventory, for steps whose kinetics are not
// modelled (neutralisation, purification precipitates, crystallisation at a plant yield).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "hydromet/kinetics/leach_reaction.hpp"
#include "hydromet/unitops/unit_operation.hpp"

namespace hydromet {

/// One reaction of a stoichiometric reactor, run to a set conversion.
struct ReactorReaction {
  std::string equation;                   ///< as written, for reports
  std::vector<StoichiometricTerm> terms;  ///< reactants negative, products positive
  double conversion = 1.0;                ///< fraction of the key reactant's inflow converted, [0, 1]
  std::optional<std::string> key;         ///< reactant the conversion refers to; default: the limiting one
};

struct ReactorParameters {
  std::size_t inlet_count = 1;             ///< one inlet `in`, or `in1`..`inN`
  std::vector<ReactorReaction> reactions;  ///< applied in order, each to what the previous ones left
  std::optional<double> temperature;       ///< outlet temperature [K]; default the mixed inlet temperature
};

/// Outlet `out` = the mixed inlets after each reaction j has run to its extent
///   ξ_j = min( X_j F_key / |ν_key| , min_{reactants i} F_i / |ν_i| )
/// (with a key), or ξ_j = X_j min_i F_i / |ν_i| (the limiting reactant), F the molar flows left by the
/// reactions before it. The cap keeps every flow non-negative. The solvent (H2O) is never limiting: it is the
/// aqueous phase itself, and feeds that do not state it carry only what reactions make or use of it. Solid
/// reactants are taken from every size class in proportion; solid products go to the finest size class (fresh
/// precipitate). The reactions are element- and charge-balanced (checked when built), so the unit conserves
/// every element exactly.
class Reactor final : public StreamReportingUnit {
 public:
  Reactor(std::string name, ReactorParameters parameters);

  [[nodiscard]] std::string_view type() const override { return "reactor"; }
  [[nodiscard]] std::vector<std::string> inlet_ports() const override;
  [[nodiscard]] std::vector<std::string> outlet_ports() const override { return {"out"}; }
  void bind(const ComponentList& components) override;
  void compute_outlets(double t, ConstSpan y, std::span<const Stream> inlets,
                       std::span<Stream> outlets) const override;
  /// `extent[j]` [mol/s] of each reaction (numbered from 1 in file order), then the outlet as report_stream
  /// gives it.
  [[nodiscard]] std::optional<StreamCoupling> stream_coupling() const override;
  [[nodiscard]] std::vector<UnitOutput> stream_outputs(double t,
                                                       std::span<const Stream> inlets) const override;

 private:
  enum class Where { aqueous, organic, solid };
  struct BoundTerm {
    Where where = Where::aqueous;
    Eigen::Index index = 0;
    double coefficient = 0.0;
    bool solvent = false;  ///< water: never the limiting reactant
  };
  struct BoundReaction {
    std::vector<BoundTerm> terms;
    std::optional<std::size_t> key;  ///< position in `terms`
    double conversion = 1.0;
  };

  /// Mixes the inlets and runs every reaction; appends the extents [mol/s] to `extents` unless it is null
  /// (the flowsheet's evaluations do not allocate for them).
  void react(std::span<const Stream> inlets, Stream& out, std::vector<double>* extents) const;

  ReactorParameters parameters_;
  std::vector<BoundReaction> bound_;
  Eigen::Index finest_class_ = 0;
};

}  // namespace hydromet
