// crystallizer: stirred tank (batch or continuous MSMPR, evaporative, reactive) with a population balance
// on a size grid, driven by the supersaturation of one product mineral from the speciation solver.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hydromet/kinetics/population_balance.hpp"
#include "hydromet/thermo/speciation.hpp"
#include "hydromet/unitops/stirred_tank.hpp"

namespace hydromet {

/// An impurity that co-precipitates with the product by substituting one of its ions (e.g. MoO4-2 for WO4-2
/// in synthetic scheelite, forming a CaMoO4 component of the crystals). The impurity's solid must be the
/// product's formula with the host ion replaced by the impurity ion (checked element by element).
///   homogeneous (Berthelot–Nernst): the whole solid stays in equilibrium with the solution,
///       x_imp / x_host (solid) = D · c_imp / c_host (solution);
///   logarithmic (Doerner–Hoskins): each layer forms in equilibrium with the solution of its moment,
///       d n_imp,solid / d n_host,solid = λ · c_imp / c_host, so a batch gives ln(I0/I) = λ ln(H0/H).
/// (Doerner and Hoskins 1925, not checked at the source; the logarithmic form as used in Minerals 10 (2020)
/// 712, doi:10.3390/min10080712.)
struct CoPrecipitation {
  enum class Law { homogeneous, logarithmic };
  std::string solid;     ///< solid species of the flowsheet that holds the impurity (e.g. "powellite")
  std::string ion;       ///< aqueous impurity ion (e.g. "MoO4-2")
  std::string replaces;  ///< the product's ion it substitutes (e.g. "WO4-2")
  Law law = Law::homogeneous;
  double coefficient = 0.0;  ///< D or λ [-]
};

/// Parameters of a crystalliser. Plain struct; `chemistry` and `product` are required.
struct CrystallizerParameters {
  StirredTankParameters tank;  ///< volume, temperature, initial solution, inlets (reagents enter here)
  /// Speciation of the holdup: its components must be aqueous species of the flowsheet (absent ones count
  /// as zero) and its minerals must include `product`.
  std::shared_ptr<const ChemicalSystem> chemistry;
  SpeciationOptions speciation;
  std::string product;                       ///< product mineral, a solid of the flowsheet (e.g. "scheelite")
  double density = 0.0;                      ///< crystal density [kg/m3]
  double shape_factor = 0.5235987755982988;  ///< volume shape factor k_v (crystal volume k_v L^3) [-]
  SizeGrid grid = SizeGrid::uniform(0.0, 500e-6, 100);  ///< size grid [m]
  FluxLimiter limiter = FluxLimiter::koren;
  NucleationLaw nucleation;
  GrowthLaw growth;
  /// Water removed by evaporation [m3/s] (continuous evaporative operation: overflow = inflow − this).
  double evaporation_rate = 0.0;
  /// Evaporation to a concentration factor CF > 1 [-]: the overflow is the aqueous inflow / CF, the rest of
  /// the water boils off (0: off; exclusive with evaporation_rate).
  double concentration_factor = 0.0;
  /// Cooling (or heating) programme: (time [s], temperature [K]) points, piecewise linear, held constant
  /// outside; it sets the temperature of the speciation and of the kinetics. Empty: the tank temperature.
  std::vector<std::pair<double, double>> temperature_programme;
  /// Species whose yield is reported: crystal moles / (crystal moles + dissolved moles / ν); default
  /// the product's component of largest molar mass (WO4-2 for scheelite).
  std::string yield_species;
  /// Co-precipitated impurities (product purity).
  std::vector<CoPrecipitation> impurities;
};

/// A stirred tank whose product mineral is held as a number distribution N_i [#] on a size grid.
///
/// States: the StirredTank holdup block, then N_i of every cell. With n_i = N_i / (V ΔL_i):
///   dN_i/dt = V ΔL_i [growth transport of n (FiniteVolumeGrowth), nucleation B0 at the lower edge]
///             − N_i q / V + crystals of the product in the inlets (placed in the cell of their size),
/// every ion of the product's formation loses ν_j Σ_i w_i (dN_i/dt)_kinetic (w_i = ρ k_v ⟨L³⟩_i / M moles
/// per crystal of cell i, ⟨L³⟩_i the cell average of L³), and the product's moles per stream size class
/// gain exactly that: dn_k/dt = Σ_{i in k} w_i (dN_i/dt)_kinetic + fed − n_k q / V. These sums run over
/// every cell; they are carried by algebraic states, the formation rates r_b [mol/s] of blocks of a few
/// cells chained within each stream class, 0 = r_{b−1} + Σ_{i in b} w_i (dN_i/dt)_kinetic − r_b, so that
/// no row reads every cell: the Jacobian needs a few colours whatever the number of cells (a row that reads
/// all N cells would need N). The ions and n_k read the last r of each chain. The element inventory (ions +
/// n_k) is linear in differential states whose rates cancel term by term (both take the same r), so BDF
/// keeps dissolved + solid balances to round-off whatever the tolerances; n_k = Σ_{i in k} w_i N_i holds to
/// the solver's tolerance on the algebraic rows. S = 10^(SI/ν) with SI = log10(IAP/Ksp) from the speciation
/// of the holdup (ν ions per formula unit), solved once per distinct set of totals; molality = c / 1000
/// (dilute: 1 m3 of solution holds 1000 kg of water). S < 1 dissolves crystals (GrowthLaw).
class Crystallizer : public StirredTank {
 public:
  Crystallizer(std::string name, CrystallizerParameters parameters);

  [[nodiscard]] std::string_view type() const override { return "crystallizer"; }
  void bind(const ComponentList& components) override;
  /// Holdup, then N_i of every cell, then the formation rate r_b of every block of cells.
  [[nodiscard]] std::size_t state_size() const override { return holdup_size() + cells() + blocks_.size(); }
  void initial_state(MutableSpan y) const override;
  /// The holdup's rows, differential cells, algebraic formation rates.
  [[nodiscard]] std::vector<bool> differential_rows() const override;
  /// Banded: cells couple to two neighbours each way and to the supersaturation; a block's formation rate
  /// to its cells, their neighbours and the previous rate of its chain; the product's ions and moles to the
  /// last rate of each chain.
  [[nodiscard]] std::vector<std::pair<std::size_t, std::size_t>> state_pattern() const override;
  /// The holdup's coupling (species row i reads inlet scalar i; outlets are the holdup over the volume), the
  /// cells reading the product crystals fed in, and the co-precipitation rows every inlet scalar.
  [[nodiscard]] std::optional<StreamCoupling> stream_coupling() const override;
  [[nodiscard]] std::string state_name(std::size_t index) const override;
  [[nodiscard]] double state_scale(std::size_t index) const override;
  void evaluate(double t, ConstSpan y, std::span<const Stream> inlets, MutableSpan f) const override;
  bool fill_from_inlets(double t, std::span<const Stream> inlets, MutableSpan y) const override;
  /// Tank outputs, then S, SI, G [m/s], B0 [#/(m3 s)], mu0..mu4 (per m3 of liquid), L10, L32, L43,
  /// mass_median [m], product_mass [kg], yield [-], then per impurity impurity_ratio[solid] (moles of
  /// impurity per mole of product in the crystals), then purity [-] (product mass over crystal mass), and
  /// n[i] [#/m4] and mass density m[i] [kg/m4] of every cell (PSD).
  [[nodiscard]] std::vector<UnitOutput> outputs(double t, ConstSpan y) const override;

  [[nodiscard]] const SizeGrid& grid() const { return parameters_.grid; }
  [[nodiscard]] std::size_t cells() const { return parameters_.grid.size(); }
  /// Number density n_i [#/(m m3)] of every cell at state y.
  [[nodiscard]] std::vector<double> number_density(ConstSpan y) const;
  /// Saturation ratio S of the product in the holdup at time t [s] and state y.
  [[nodiscard]] double saturation_ratio(double t, ConstSpan y) const;
  /// Temperature of the crystallisation [K]: the programme's at time t, else the holdup's.
  [[nodiscard]] double process_temperature(double t, ConstSpan y) const;
  /// The programme's points (the integrator restarts at its kinks).
  [[nodiscard]] std::vector<double> discontinuities() const override;

 private:
  [[nodiscard]] std::size_t cell_offset() const { return holdup_size(); }
  [[nodiscard]] std::size_t formation_offset() const { return holdup_size() + cells(); }
  /// Fills work_flux_ with the number fluxes through the edges and work_dn_ with the kinetic rates
  /// (dN_i/dt)_kinetic [#/s] of every cell at (t, y).
  void kinetic_rates(double t, ConstSpan y) const;
  /// Formation rate of product [mol/s] that block b adds to its chain, from the fluxes of kinetic_rates.
  [[nodiscard]] double block_formation(std::size_t b) const;
  /// Steady-state guess of a continuous crystalliser whose holdup is its feed: the MSMPR distribution at the
  /// supersaturation that balances it, the ions depleted accordingly. False (y partly written) without one.
  bool fill_msmpr(double t, MutableSpan y) const;
  /// Moles of product in the holdup's crystals (Σ_k n_k) [mol].
  [[nodiscard]] double product_moles(ConstSpan y) const;

  CrystallizerParameters parameters_;
  FiniteVolumeGrowth transport_;
  std::size_t product_ = 0;                // solid index of the product
  std::vector<double> moles_per_crystal_;  // w_i [mol]
  std::vector<double> cell_volume_;        // V ΔL_i [m4]: crystals per unit number density
  std::vector<std::size_t> stream_class_;  // stream size class of each cell
  std::vector<std::size_t> inlet_cell_;    // cell receiving product crystals of each stream class
  // A block of cells [first, last) with one formation rate; `chained` adds the previous block's rate, and the
  // rate of a `chain_end` block is the formation rate of its whole chain (a run of cells of stream class
  // `stream_class`).
  struct FormationBlock {
    std::size_t first = 0;
    std::size_t last = 0;
    std::size_t stream_class = 0;
    bool chained = false;
    bool chain_end = false;
  };
  std::vector<FormationBlock> blocks_;
  std::vector<std::ptrdiff_t> component_species_;     // chemistry component -> aqueous index (-1: absent)
  std::vector<std::pair<std::size_t, double>> ions_;  // (aqueous index, ν) consumed per mole of product
  double ion_count_ = 1.0;                            // ν
  struct BoundImpurity {
    std::size_t solid = 0;                             // solid index
    std::size_t ion = 0;                               // aqueous index of the impurity ion
    std::size_t host = 0;                              // aqueous index of the ion it replaces
    std::vector<std::pair<std::size_t, double>> ions;  // (aqueous index, ν) consumed per mole of solid
  };
  /// Adds the co-precipitation rates of every impurity to f, given the product's rate of formation
  /// `formed` [mol/s] and f already holding every other term.
  void add_coprecipitation(ConstSpan y, double formed, MutableSpan f) const;
  std::vector<BoundImpurity> impurities_;
  std::size_t yield_species_ = 0;
  double yield_nu_ = 1.0;
  mutable std::unique_ptr<SpeciationSolver> solver_;
  mutable SpeciationResult speciation_;
  mutable SpeciationResult last_converged_;
  mutable bool speciation_valid_ = false;
  mutable Vector speciated_totals_;
  mutable double speciated_temperature_ = 0.0;
  mutable std::vector<double> work_n_;
  mutable std::vector<double> work_dn_;
  mutable std::vector<double> work_g_;
  mutable std::vector<double> work_flux_;
  std::vector<double> edge_weight_;  // weight of each edge's flux in its block's formation rate [mol]
};

}  // namespace hydromet
