// Leach rate laws besides the shrinking core: Avrami (JMAK) nucleation-growth, a rate given as a user
// expression (muparser), and the activities of a tank's solution from the speciation solver.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hydromet/core/error.hpp"
#include "hydromet/core/types.hpp"
#include "hydromet/kinetics/arrhenius.hpp"
#include "hydromet/thermo/speciation.hpp"
#include "hydromet/thermo/unit_speciation.hpp"

namespace hydromet {

/// Which law gives a reaction's rate.
enum class LeachRateForm {
  shrinking_core,  ///< ShrinkingCoreParameters (reaction, product layer, film, mixed)
  avrami,          ///< X = 1 − exp(−(k t)^n)
  expression,      ///< dX/dt from a user expression
};

/// Whether a reaction order applies to the reagent's concentration or to its activity.
enum class OrderBasis {
  concentration,  ///< C [mol/m3]
  activity,       ///< the activity concentration a c°, c° = 1000 mol/m3 (1 mol/kg, 1 kg/L), a = γ m
};

/// Avrami–Erofeev (Johnson–Mehl–Avrami–Kolmogorov) kinetics X = 1 − exp(−(k t)^n) at constant k.
struct AvramiParameters {
  double rate_constant = 0.0;  ///< k at the reference temperature [1/s]
  double exponent = 1.0;       ///< n [-]
  Arrhenius temperature{};     ///< k(T) = k_ref exp(−Ea/R (1/T − 1/T_ref))
};

/// Conversion at kinetic age θ = ∫ k dt: X = 1 − exp(−θ^n).
[[nodiscard]] double avrami_conversion(double age, double exponent);
/// The same law as a rate in conversion, dX/dt = n k (1 − X) (−ln(1 − X))^((n−1)/n) [1/s], for
/// X in (0, 1); 0 at X >= 1. At X = 0 it is 0 for n > 1 and infinite for n < 1: callers evaluate it
/// away from X = 0 (the segregated scheme's quadrature nodes) or use the age form.
[[nodiscard]] double avrami_conversion_rate(double conversion, double rate_constant, double exponent);

/// A rate dX/dt [1/s] written as a muparser expression, with its user constants and where it was written.
struct RateExpressionSpec {
  std::string text;
  std::vector<std::pair<std::string, double>> parameters;
  SourceLocation location;  ///< of the expression's text in the input file (unknown when built in code)
};

/// The expression-variable name of a species: every `+` becomes `p`, every `-` becomes `m`, and any other
/// character that is not a letter, digit or `_` becomes `_`; e.g. OH- -> OHm, CO3-2 -> CO3m2,
/// Na+ -> Nap, H2WO4(aq) -> H2WO4_aq_. Concentrations are `c_` + that, activities `a_` + that.
[[nodiscard]] std::string expression_species_name(std::string_view species);

/// What a rate expression reads. Set the fields, then call RateExpression::evaluate().
struct RateVariables {
  std::vector<double> concentration;  ///< per concentration species [mol/L]
  std::vector<double> activity;       ///< per activity species [-]
  double ph = 7.0;                    ///< −log10 a(H+) (−log10 of c(H+) [mol/L] without speciation)
  double temperature = 298.15;        ///< T [K]
  double conversion = 0.0;            ///< X of the particle class [-]
  double diameter = 0.0;              ///< d, particle diameter of the class [m]
  double solids = 0.0;                ///< kg of solids per m3 of slurry
  double solid_fraction = 0.0;        ///< phi, solids volume fraction [-]
  double time = 0.0;                  ///< t [s]
};

/// A compiled rate expression. Variables: c_<s> for the concentration species, a_<s> for the activity
/// species, pH, T, X, d, solids, phi, t, the gas constant R [J/(mol K)] and the user parameters.
/// Parsed once here; evaluate() only reads the variables. Not thread-safe (muparser keeps state).
class RateExpression {
 public:
  /// Throws InputError at the expression's location (column of the offending token when known) for a
  /// syntax error, an unknown variable, a parameter that shadows a built-in name, or two species with the
  /// same variable name.
  RateExpression(const RateExpressionSpec& spec, const std::vector<std::string>& concentration_species,
                 const std::vector<std::string>& activity_species);
  ~RateExpression();
  RateExpression(const RateExpression&) = delete;
  RateExpression& operator=(const RateExpression&) = delete;

  [[nodiscard]] RateVariables& variables();
  /// dX/dt [1/s]. A value that is not finite throws SolverError naming `where` and the variables used.
  [[nodiscard]] double evaluate(const std::string& where) const;
  /// Species whose concentration (c_) or activity (a_) the expression reads.
  [[nodiscard]] std::vector<std::string> used_concentrations() const;
  [[nodiscard]] std::vector<std::string> used_activities() const;
  [[nodiscard]] const std::string& text() const;
  /// Whether the expression reads the variable `name`.
  [[nodiscard]] bool uses(std::string_view name) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hydromet
