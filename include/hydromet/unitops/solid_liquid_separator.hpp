// solid_liquid_separator: a thickener or filter splitting a slurry into a (washed) cake and a filtrate.
#pragma once

#include <string>
#include <vector>

#include "hydromet/core/units.hpp"
#include "hydromet/unitops/unit_operation.hpp"

namespace hydromet {

/// Typed parameters of a solid–liquid separator.
struct SolidLiquidSeparatorParameters {
  double solids_recovery = 1.0;  ///< fraction of each solid (every size class) reporting to the cake [-]
  double cake_moisture = 0.0;    ///< mass fraction of liquor in the wet cake, 0 <= w < 1 [-]
  /// Liquor density used to turn the cake moisture into a volume [kg/m3]. Assumption: 1000 kg/m3 (water);
  /// set it for dense leach liquors.
  Density liquor_density{1000.0 * units::kilogram / units::cubic_meter};
  bool wash = false;             ///< adds the inlet port `wash`
  double wash_efficiency = 1.0;  ///< displacement efficiency η [-]
};

/// Inlets `feed` (and `wash` when washing), outlets `cake` and `filtrate`, no inventory. With S the solids
/// of feed + wash, M_s their molar masses, Q_f, n_f the feed liquor volume and solute flows, Q_w, n_w the
/// wash's, r the recovery, w the cake moisture, ρ_l the liquor density and η the wash efficiency:
///
///   cake solids            S_c = r S,                      filtrate solids S − S_c
///   entrained liquor       Q_e = min(w / (1 − w) · M_s·S_c / ρ_l, Q_f)   (a feed short of liquor gives a
///                                                                         drier cake)
///   displaced by wash      Q_d = min(η Q_e, Q_w)          (wash short of η Q_e displaces what it has)
///   cake solutes           n_c = n_f (Q_e − Q_d) / Q_f + n_w Q_d / Q_w
///   filtrate               n_f + n_w − n_c,  volume Q_f + Q_w − Q_e
///
/// so the cake liquor is a fraction 1 − η of feed liquor and η of wash liquor (displacement washing), and
/// every element is conserved exactly by construction: the filtrate is the total minus the cake. Organic
/// phase goes to the filtrate. Both outlets leave at the mixed temperature of feed and wash.
class SolidLiquidSeparator final : public StreamReportingUnit {
 public:
  SolidLiquidSeparator(std::string name, SolidLiquidSeparatorParameters parameters);

  [[nodiscard]] std::string_view type() const override { return "solid_liquid_separator"; }
  [[nodiscard]] std::vector<std::string> inlet_ports() const override;
  [[nodiscard]] std::vector<std::string> outlet_ports() const override { return {"cake", "filtrate"}; }
  void bind(const ComponentList& components) override { components_ = &components; }
  void compute_outlets(double t, ConstSpan y, std::span<const Stream> inlets,
                       std::span<Stream> outlets) const override;
  /// compute_outlets with the cake solids mass M_s·S_c [kg/s] given (the one declared aggregate).
  void compute_outlets_aggregated(double t, ConstSpan y, std::span<const Stream> inlets,
                                  std::span<const double> aggregates,
                                  std::span<Stream> outlets) const override;
  /// cake_solids [kg/s], cake_liquor [m3/s], cake_moisture [-] (actual), displaced [m3/s], then the cake and
  /// filtrate streams as report_stream gives them, prefixed `cake.` and `filtrate.`.
  [[nodiscard]] std::optional<StreamCoupling> stream_coupling() const override;
  [[nodiscard]] std::vector<UnitOutput> stream_outputs(double t,
                                                       std::span<const Stream> inlets) const override;

  [[nodiscard]] const SolidLiquidSeparatorParameters& parameters() const { return parameters_; }

 private:
  struct Split {
    double entrained = 0.0;  // Q_e [m3/s]
    double displaced = 0.0;  // Q_d [m3/s]
  };
  /// Whether the entrained liquor follows the cake solids (declared as an aggregate).
  [[nodiscard]] bool aggregated() const;
  /// M_s·S_c summed over the inlets' solids and size classes [kg/s], term by term as declared.
  [[nodiscard]] double cake_solids_mass(std::span<const Stream> inlets) const;
  Split split(std::span<const Stream> inlets, double solids_mass, std::span<Stream> outlets) const;

  SolidLiquidSeparatorParameters parameters_;
};

}  // namespace hydromet
