// Activity models of aqueous species (ideal, Davies, B-dot, SIT), their Debye-Hueckel parameters
// A(T), B(T), b-dot(T), and the activity of water consistent with each model.
#pragma once

#include <string_view>
#include <vector>

#include "hydromet/core/types.hpp"

namespace hydromet {

/// How activity coefficients are computed (docs/models/activity.md).
enum class ActivityModel {
  ideal,   ///< gamma = 1, a_w from the ideal (Raoult) limit
  davies,  ///< Davies (1962): log g = -A z^2 (sqrt I/(1 + sqrt I) - 0.3 I)
  b_dot,   ///< Helgeson (1969) extended Debye-Hueckel: log g = -A z^2 sqrt I/(1 + B a0 sqrt I) + b. I
  sit,     ///< specific ion interaction: log g = -z^2 D + sum_k eps(i,k) m_k, D = A sqrt I/(1 + Ba sqrt I)
};

[[nodiscard]] const char* to_string(ActivityModel model);
/// "ideal", "davies", "b-dot" (also "bdot", "b_dot", "debye-huckel", "extended-debye-huckel"), "sit";
/// throws InputError naming the accepted names otherwise.
[[nodiscard]] ActivityModel parse_activity_model(std::string_view name);

/// Debye-Hueckel parameters at one temperature.
struct DebyeHuckelParameters {
  double a = 0.0;      ///< A [kg^0.5 mol^-0.5], for log10 gamma
  double b = 0.0;      ///< B [kg^0.5 mol^-0.5 m^-1] (0.3288e10 at 25 degC)
  double b_dot = 0.0;  ///< Helgeson's b-dot [kg/mol]
};

/// A and B from the density and dielectric constant of water (water.hpp):
/// A = (2 pi N_A rho_w)^0.5 (e^2 / (4 pi eps0 eps_r k T))^1.5 / ln 10,
/// B = (2 N_A rho_w e^2 / (eps0 eps_r k T))^0.5 (Robinson & Stokes, Electrolyte Solutions, 1959, ch. 9);
/// b-dot interpolated linearly in Helgeson's (1969, Am. J. Sci. 267, 729) table as tabulated in
/// LLNL thermo.com.V8.R6.230 (0.0374, 0.041, 0.0438, 0.046, 0.047, 0.047, 0.034, 0 at 0.01, 25, 60, 100,
/// 150, 200, 250, 300 degC). Temperature [K] within [min_temperature, max_temperature].
[[nodiscard]] DebyeHuckelParameters debye_huckel_parameters(double temperature);

/// log10 gamma by Davies for charge z at ionic strength [mol/kg] with A [kg^0.5 mol^-0.5].
[[nodiscard]] double davies_log_gamma(double charge, double ionic_strength, double a);
/// log10 gamma by the B-dot equation with ion size a0 [m]; 0 for a neutral species.
[[nodiscard]] double b_dot_log_gamma(double charge, double ionic_strength, double ion_size,
                                     const DebyeHuckelParameters& dh);
/// The SIT Debye-Hueckel term D = A sqrt I / (1 + B a_j sqrt I), B a_j = 1.5 kg^0.5 mol^-0.5 at 25 degC
/// (Grenthe et al., NEA-TDB, 1997); the activity calculator scales B a_j with B(T).
[[nodiscard]] double sit_debye_huckel_term(double ionic_strength, double a, double ba = 1.5);

/// sigma(x) = 3/x^3 [1 + x - 1/(1 + x) - 2 ln(1 + x)], the Debye-Hueckel osmotic function (sigma(0) = 1).
[[nodiscard]] double osmotic_sigma(double x);

/// Activity coefficients of a fixed list of aqueous species, evaluated many times at changing
/// ionic strength; built once per chemical system.
class ActivityCalculator {
 public:
  ActivityCalculator() = default;
  /// charges [-], ion sizes [m] (B-dot only), SIT epsilons [kg/mol] as a symmetric n x n matrix (zero
  /// where no coefficient is known; SIT only).
  ActivityCalculator(ActivityModel model, Vector charges, Vector ion_sizes, Matrix sit_epsilon);

  [[nodiscard]] ActivityModel model() const { return model_; }
  void set_model(ActivityModel model) { model_ = model; }
  /// Sets the temperature [K]; recomputes A, B and b-dot only when it changes.
  void set_temperature(double temperature);
  [[nodiscard]] const DebyeHuckelParameters& parameters() const { return dh_; }
  /// SIT's B a_j [kg^0.5 mol^-0.5] at the current temperature (1.5 at 25 degC).
  [[nodiscard]] double sit_ba() const { return sit_ba_; }

  /// ln gamma of every species at ionic strength [mol/kg], and d ln gamma / d ln I at fixed molalities.
  /// The SIT specific terms use `molality` [mol/kg] (the solver lags them one iteration).
  void evaluate(double ionic_strength, const Vector& molality, Vector& ln_gamma,
                Vector& dln_gamma_dln_i) const;

  /// ln a_w from the Gibbs-Duhem relation with the excess Gibbs energy behind each model:
  /// ln a_w = -M_w (sum m_i + sum m_i ln g_i - G_ex/(w R T)) (docs/models/activity.md).
  [[nodiscard]] double ln_water_activity(double ionic_strength, const Vector& molality) const;

 private:
  ActivityModel model_ = ActivityModel::davies;
  Vector charge_;
  Vector ion_size_;
  Matrix sit_epsilon_;
  bool has_sit_ = false;
  double temperature_ = -1.0;
  DebyeHuckelParameters dh_;
  double sit_ba_ = 1.5;
};

}  // namespace hydromet
