// SpeciationSolver against hand calculations and independent evaluations of the cited constants.
#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <numbers>
#include <string>
#include <vector>

#include "hydromet/chemistry/database.hpp"
#include "hydromet/core/error.hpp"
#include "hydromet/thermo/activity.hpp"
#include "hydromet/thermo/speciation.hpp"
#include "hydromet/thermo/water.hpp"
#include "thermo_test_data.hpp"

using namespace hydromet;

namespace {

std::shared_ptr<const ChemicalSystem> make_system(std::vector<std::string> components,
                                                  std::vector<std::string> minerals = {},
                                                  std::vector<std::string> species = {}) {
  return std::make_shared<const ChemicalSystem>(thermo_test::database(), std::move(components),
                                                std::move(minerals), std::move(species));
}

// Harned & Robinson (1940) log Kw, the expression data/aqueous.yaml cites.
double log_kw(double t) { return 6.0875 - 0.01706 * t - 4470.99 / t; }

// sum |z| m, the scale of the charge balance.
double charge_scale(const SpeciationResult& r) { return r.system->charges().cwiseAbs().dot(r.molality); }

// ln a_w of the Davies model written out (docs/models/activity.md).
double davies_ln_aw(double ionic_strength, double total_molality, double a) {
  const double s = std::sqrt(ionic_strength);
  const double ln10 = std::numbers::ln10;
  return -water_molar_mass * (total_molality - 2.0 / 3.0 * ln10 * a * ionic_strength * s * osmotic_sigma(s) +
                              ln10 * a * 0.3 * ionic_strength * ionic_strength);
}

}  // namespace

TEST_CASE("pure water: pH = pKw/2 at 25 and 60 degC") {
  auto sys = make_system({"H+"});
  SpeciationSolver solver(sys);
  for (double t : {298.15, 333.15}) {
    CAPTURE(t);
    const SpeciationResult r = solver.solve(Vector::Zero(1), t);
    // a(H+) = a(OH-) and a_H a_OH = Kw a_w; a_w - 1 ~ 4e-9 moves pH by 1e-9.
    CHECK(r.ph == doctest::Approx(-0.5 * log_kw(t)).epsilon(1e-8));
    CHECK(std::abs(r.charge_imbalance) <= 1e-12 * charge_scale(r));
  }
  // pKw(60 degC) = 13.016 (Harned & Robinson 1940; Bandura & Lvov 2006 give 13.02).
  CHECK(-log_kw(333.15) == doctest::Approx(13.0164).epsilon(1e-5));
  CHECK(solver.solve(Vector::Zero(1), 333.15).ph == doctest::Approx(6.5082).epsilon(1e-4));
}

TEST_CASE("0.01 mol/kg HCl with Davies: pH = -log10(0.01 gamma)") {
  auto sys = make_system({"H+", "Cl-"});
  SpeciationSolver solver(sys);
  const SpeciationResult r = solver.solve({{"Cl-", 0.01}}, 298.15);
  const double a = debye_huckel_parameters(298.15).a;
  // m(H+) = 0.01 + m(OH-), m(OH-) ~ 1e-12: I = 0.01 to 1e-10.
  const double expected = -std::log10(0.01) - davies_log_gamma(1.0, 0.01, a);
  CHECK(r.ph == doctest::Approx(expected).epsilon(1e-9));
  CHECK(r.ph == doctest::Approx(2.04483).epsilon(1e-5));  // A = 0.5100 at 25 degC
  CHECK(r.ionic_strength == doctest::Approx(0.01).epsilon(1e-9));
  CHECK(std::abs(r.charge_imbalance) <= 1e-12 * charge_scale(r));
}

TEST_CASE("0.01 mol/kg NaOH with Davies: pH = pKw + log a_w - pOH") {
  auto sys = make_system({"H+", "Na+"});
  SpeciationSolver solver(sys);
  const SpeciationResult r = solver.solve({{"Na+", 0.01}}, 298.15);
  const double a = debye_huckel_parameters(298.15).a;
  const double g = std::pow(10.0, davies_log_gamma(1.0, 0.01, a));
  const double m_oh = r.molality_of("OH-");
  CHECK(m_oh == doctest::Approx(0.01).epsilon(1e-9));
  const double ln_aw = davies_ln_aw(r.ionic_strength, r.molality.sum(), a);
  CHECK(std::log(r.water_activity) == doctest::Approx(ln_aw).epsilon(1e-12));
  const double expected = -(log_kw(298.15) + ln_aw / std::numbers::ln10 - std::log10(0.01 * g));
  CHECK(r.ph == doctest::Approx(expected).epsilon(1e-9));
  CHECK(r.ph == doctest::Approx(11.9500).epsilon(1e-4));
  CHECK(std::abs(r.charge_imbalance) <= 1e-12 * charge_scale(r));
}

TEST_CASE("phosphate buffer against Henderson-Hasselbalch") {
  // 0.05 mol/kg NaH2PO4 + 0.05 mol/kg Na2HPO4; Na ion pairs left out to match the textbook equation.
  auto sys = make_system({"H+", "Na+", "PO4-3"}, {}, {"OH-", "HPO4-2", "H2PO4-", "H3PO4"});
  const double pk2 = 19.553 - 12.346;  // log K(H2PO4-) - log K(HPO4-2), phreeqc.dat
  SpeciationOptions ideal;
  ideal.activity_model = ActivityModel::ideal;
  SpeciationSolver solver(sys, ideal);
  const auto totals = sys->totals({{"Na+", 0.15}, {"PO4-3", 0.1}});
  SpeciationResult r = solver.solve(totals, 298.15);
  // H-H neglects H3PO4, PO4-3, H+ and OH- (each < 1e-4 of the buffer): 1e-4 in pH.
  CHECK(r.ph == doctest::Approx(pk2).epsilon(1e-4 / pk2));
  // Exactly, by mass action with the computed free concentrations.
  CHECK(r.ph ==
        doctest::Approx(pk2 + std::log10(r.molality_of("HPO4-2") / r.molality_of("H2PO4-"))).epsilon(1e-12));
  // With Davies: pH = pK2 + log(gamma(HPO4-2)/gamma(H2PO4-)) = pK2 - 3 A f(I).
  SpeciationOptions davies;
  SpeciationSolver solver_d(sys, davies);
  r = solver_d.solve(totals, 298.15);
  const double a = debye_huckel_parameters(298.15).a;
  const double s = std::sqrt(r.ionic_strength);
  CHECK(r.ionic_strength ==
        doctest::Approx(0.2).epsilon(2e-4));  // 0.15 Na+, 0.05 H2PO4-, 0.05 HPO4-2 (z = 2)
  CHECK(r.ph ==
        doctest::Approx(pk2 - 3.0 * a * (s / (1.0 + s) - 0.3 * r.ionic_strength)).epsilon(1e-4 / pk2));
  CHECK(std::abs(r.charge_imbalance) <= 1e-12 * charge_scale(r));
}

namespace {
// Cruywagen & van der Merwe (1987): p WO4-2 + q H+ = polyanion + n H2O, log beta in 1.0 M NaCl (molar scale).
struct Polytungstate {
  const char* name;
  double p, q, n, z, log_beta;
};
constexpr Polytungstate polytungstates[] = {{"W6O20(OH)2-6", 6, 6, 2, -6, 49.01},
                                            {"W7O24-6", 7, 8, 4, -6, 65.19},
                                            {"HW7O24-5", 7, 9, 4, -5, 69.96},
                                            {"H2W12O42-10", 12, 14, 6, -10, 115.38}};
// The medium as data/aqueous.yaml states it: 1.0 M NaCl = 1.021 mol/kg.
constexpr double medium_molality = 1.021;
}  // namespace

TEST_CASE("polytungstate constants: 1.0 M NaCl values converted to I = 0 as by hand") {
  // log K0 = log beta_M + (1 - p - q) log(m/c) - dz2 D + (eps(P,Na) - p eps(WO4,Na)) m - q eps(H,Cl) m + n
  // log a_w with dz2 = z_P^2 - 4p - q, D = A sqrt(I)/(1 + 1.5 sqrt(I)), eps(H+,Cl-) = 0.12 (NEA-TDB), the Na+
  // epsilons of the anions assumed 0 (data/sit.yaml), and a_w of 1.021 mol/kg NaCl from its measured osmotic
  // coefficient phi = 0.936 (Robinson & Stokes, Electrolyte Solutions, 2nd ed. 1959, appendix 8.10: 0.936
  // at 1.0 mol/kg).
  const double a = debye_huckel_parameters(298.15).a;
  const double s = std::sqrt(medium_molality);
  const double d = a * s / (1.0 + 1.5 * s);
  const double log_aw = -2.0 * medium_molality * water_molar_mass * 0.936 / std::numbers::ln10;
  auto sys = make_system({"H+", "WO4-2"}, {}, {"W6O20(OH)2-6", "W7O24-6", "HW7O24-5", "H2W12O42-10"});
  for (const Polytungstate& k : polytungstates) {
    CAPTURE(k.name);
    const double dz2 = k.z * k.z - 4.0 * k.p - k.q;
    const double expected = k.log_beta + (1.0 - k.p - k.q) * std::log10(medium_molality) - dz2 * d -
                            k.q * 0.12 * medium_molality + k.n * log_aw;
    // SIT's a_w of the medium versus the measured phi: |d phi| < 0.01 moves n log a_w by < 5e-4.
    CHECK(sys->species_log_k(sys->species_index(k.name), 298.15) ==
          doctest::Approx(expected).epsilon(1e-3 / 100));
  }
}

TEST_CASE("sodium tungstate in 1.0 M NaCl with SIT reproduces Cruywagen and van der Merwe (1987)") {
  // In the medium of the constants, SIT must give back the measured concentration quotients. Independent
  // evaluation: bisection on [WO4-2] of T = w + sum p beta_m h^q w^p with the solver's h = m(H+) and
  // beta_m = beta_M (m/c)^(1 - p - q), the molal quotients of the paper. Their model has no HWO4-.
  std::vector<std::string> species{"OH-"};
  for (const Polytungstate& k : polytungstates) {
    species.emplace_back(k.name);
  }
  auto sys = make_system({"H+", "Na+", "Cl-", "WO4-2"}, {}, species);
  SpeciationOptions options;
  options.activity_model = ActivityModel::sit;
  options.charge_balance = "";
  const double w_total = 1e-3;
  for (double ph : {5.0, 5.5, 6.0, 6.5, 7.0, 7.8}) {
    CAPTURE(ph);
    options.ph = ph;
    SpeciationSolver solver(sys, options);
    // NaCl reduced by what Na2WO4 adds to I, so that the ionic strength stays near that of the medium.
    const double nacl = medium_molality - 3.0 * w_total;
    const SpeciationResult r =
        solver.solve({{"Na+", nacl + 2.0 * w_total}, {"Cl-", nacl}, {"WO4-2", w_total}}, 298.15);
    const double h = r.molality_of("H+");
    auto conc = [&](const Polytungstate& k, double w) {
      return std::pow(10.0, k.log_beta + (1.0 - k.p - k.q) * std::log10(medium_molality)) * std::pow(h, k.q) *
             std::pow(w, k.p);
    };
    auto total_of = [&](double w) {
      double t = w;
      for (const Polytungstate& k : polytungstates) {
        t += k.p * conc(k, w);
      }
      return t;
    };
    double lo = -30.0, hi = std::log10(w_total);
    for (int it = 0; it < 200; ++it) {
      const double mid = 0.5 * (lo + hi);
      (total_of(std::pow(10.0, mid)) > w_total ? hi : lo) = mid;
    }
    const double w = std::pow(10.0, 0.5 * (lo + hi));
    MESSAGE("pH ", ph, ": I = ", r.ionic_strength, ", f(WO4-2) = ", r.molality_of("WO4-2") / w_total, " vs ",
            w / w_total);
    // The solution differs from pure 1.021 mol/kg NaCl by |dI| <= 2e-3 and by the W species themselves:
    // |d log Q| <= dz2 dD/dI |dI| ~ 38 x 0.04 x 2e-3 = 3e-3 (0.7 %) for H2W12O42-10.
    CHECK(r.molality_of("WO4-2") / w_total == doctest::Approx(w / w_total).epsilon(0.01));
    for (const Polytungstate& k : polytungstates) {
      CAPTURE(k.name);
      const double fraction = k.p * conc(k, w) / w_total;
      if (fraction > 1e-3) {
        CHECK(k.p * r.molality_of(k.name) / w_total == doctest::Approx(fraction).epsilon(0.01));
      }
    }
  }
}

TEST_CASE("charge balance closes to 1e-12 in a mixed Na-W-CO3-SO4-F solution") {
  auto sys = make_system({"H+", "Na+", "WO4-2", "CO3-2", "SO4-2", "F-", "Cl-"});
  for (ActivityModel model :
       {ActivityModel::ideal, ActivityModel::davies, ActivityModel::b_dot, ActivityModel::sit}) {
    CAPTURE(std::string(to_string(model)));
    SpeciationOptions options;
    options.activity_model = model;
    SpeciationSolver solver(sys, options);
    const SpeciationResult r = solver.solve(
        {{"Na+", 0.5}, {"WO4-2", 0.1}, {"CO3-2", 0.1}, {"SO4-2", 0.02}, {"F-", 0.01}, {"Cl-", 0.05}}, 333.15);
    CHECK(std::abs(r.charge_imbalance) <= 1e-12 * charge_scale(r));
    CHECK(r.molality.allFinite());
    // Mass balance of W closes too.
    double w = 0.0;
    const auto jw = static_cast<Eigen::Index>(sys->component_index("WO4-2"));
    for (Eigen::Index i = 0; i < r.molality.size(); ++i) w += sys->stoichiometry()(i, jw) * r.molality[i];
    CHECK(w == doctest::Approx(0.1).epsilon(1e-12));
  }
}

TEST_CASE("the solver's activity coefficients are the model's at the converged ionic strength") {
  auto sys = make_system({"H+", "Na+", "Cl-"});
  SpeciationOptions options;
  options.activity_model = ActivityModel::sit;
  SpeciationSolver sit(sys, options);
  const SpeciationResult r = sit.solve({{"Na+", 1.0}, {"Cl-", 1.01}}, 298.15);
  const double a = debye_huckel_parameters(298.15).a;
  // log g(H+) = -D + eps(H+, Cl-) m(Cl-), eps = 0.12 kg/mol (data/sit.yaml).
  const double d = sit_debye_huckel_term(r.ionic_strength, a);
  CHECK(std::log10(r.activity_coefficient_of("H+")) ==
        doctest::Approx(-d + 0.12 * r.molality_of("Cl-")).epsilon(1e-12));
  CHECK(std::log10(r.activity_coefficient_of("Na+")) ==
        doctest::Approx(-d + 0.03 * r.molality_of("Cl-")).epsilon(1e-12));
  CHECK(r.ph == doctest::Approx(-std::log10(0.01 * r.activity_coefficient_of("H+"))).epsilon(1e-6));

  options.activity_model = ActivityModel::b_dot;
  SpeciationSolver bdot(sys, options);
  const SpeciationResult b = bdot.solve({{"Na+", 0.1}, {"Cl-", 0.1}}, 333.15);
  const DebyeHuckelParameters dh = debye_huckel_parameters(333.15);
  CHECK(std::log10(b.activity_coefficient_of("Na+")) ==
        doctest::Approx(b_dot_log_gamma(1.0, b.ionic_strength, 4e-10, dh)).epsilon(1e-12));
  CHECK(std::log10(b.activity_coefficient_of("Cl-")) ==
        doctest::Approx(b_dot_log_gamma(-1.0, b.ionic_strength, 3e-10, dh)).epsilon(1e-12));
}

TEST_CASE("calcite saturation index and solubility") {
  auto sys = make_system({"H+", "Ca+2", "CO3-2"}, {"calcite_test"});
  const double log_ksp = -171.9065 - 0.077993 * 298.15 + 2839.319 / 298.15 + 71.595 * std::log10(298.15);
  CHECK(log_ksp == doctest::Approx(-8.47983).epsilon(1e-6));
  SpeciationOptions options;
  options.ph = 8.3;
  SpeciationSolver at_ph(sys, options);
  const SpeciationResult r = at_ph.solve({{"Ca+2", 1e-3}, {"CO3-2", 1e-3}}, 298.15);
  CHECK(r.ph == doctest::Approx(8.3).epsilon(1e-12));
  const double si = std::log10(r.activity_of("Ca+2") * r.activity_of("CO3-2")) - log_ksp;
  CHECK(r.saturation_index_of("calcite_test") == doctest::Approx(si).epsilon(1e-10));

  // Closed system, calcite in pure water: everything dissolved is in solution, SI = 0, charge balanced.
  SpeciationOptions eq;
  eq.equilibrium_minerals = {"calcite_test"};
  SpeciationSolver solver(sys, eq);
  const SpeciationResult s = solver.solve(Vector::Zero(3), 298.15);
  const double dissolved = s.dissolved("calcite_test");
  CHECK(std::abs(s.saturation_index_of("calcite_test")) < 1e-11);
  double ca = 0.0, c = 0.0;
  const auto jca = static_cast<Eigen::Index>(sys->component_index("Ca+2"));
  const auto jc = static_cast<Eigen::Index>(sys->component_index("CO3-2"));
  for (Eigen::Index i = 0; i < s.molality.size(); ++i) {
    ca += sys->stoichiometry()(i, jca) * s.molality[i];
    c += sys->stoichiometry()(i, jc) * s.molality[i];
  }
  CHECK(ca == doctest::Approx(dissolved).epsilon(1e-12));
  CHECK(c == doctest::Approx(dissolved).epsilon(1e-12));
  CHECK(dissolved > 1e-4);
  CHECK(dissolved < 2e-4);
  CHECK(std::abs(s.charge_imbalance) <= 1e-12 * charge_scale(s));

  // Less calcite available than dissolves: all of it dissolves and the solution stays undersaturated.
  eq.mineral_available = {{"calcite_test", 5e-5}};
  SpeciationSolver limited(sys, eq);
  const SpeciationResult l = limited.solve(Vector::Zero(3), 298.15);
  CHECK(l.dissolved("calcite_test") == doctest::Approx(5e-5).epsilon(1e-14));
  CHECK(l.saturation_index_of("calcite_test") < 0.0);
}

TEST_CASE("warm start converges in few iterations and agrees with a cold start") {
  auto sys = make_system({"H+", "Na+", "WO4-2", "CO3-2"});
  SpeciationSolver solver(sys);
  SpeciationResult state;
  auto totals = sys->totals({{"Na+", 0.3}, {"WO4-2", 0.1}, {"CO3-2", 0.05}});
  solver.solve(totals, 353.15, state);
  CHECK_FALSE(state.warm_started);
  totals *= 1.01;
  solver.solve(totals, 353.15, state);
  CHECK(state.warm_started);
  CHECK(state.iterations <= 4);
  const SpeciationResult cold = solver.solve(totals, 353.15);
  CHECK(state.ph == doctest::Approx(cold.ph).epsilon(1e-10));
}

TEST_CASE("a cold start deep in the polytungstate region stays finite") {
  // 0.5 mol/kg W at pH 5.5: starting from m(WO4-2) = total gives m(H2W12O42-10) ~ 10^35 mol/kg.
  auto sys = make_system({"H+", "Na+", "WO4-2"});
  SpeciationOptions options;
  options.ph = 5.5;
  SpeciationSolver solver(sys, options);
  const SpeciationResult r = solver.solve({{"Na+", 1.0}, {"WO4-2", 0.5}}, 298.15);
  CHECK(r.molality.allFinite());
  CHECK(r.activity.allFinite());
  double w = 0.0;
  const auto jw = static_cast<Eigen::Index>(sys->component_index("WO4-2"));
  for (Eigen::Index i = 0; i < r.molality.size(); ++i) w += sys->stoichiometry()(i, jw) * r.molality[i];
  CHECK(w == doctest::Approx(0.5).epsilon(1e-12));
  CHECK(std::abs(r.ph - 5.5) < 1e-12);
}

TEST_CASE("invalid input is an InputError, an impossible one a SolverError naming the constraint") {
  auto sys = make_system({"H+", "Na+", "Cl-"});
  SpeciationSolver solver(sys);
  CHECK_THROWS_AS((void)solver.solve({{"Na+", -0.1}}, 298.15), InputError);
  CHECK_THROWS_AS((void)solver.solve({{"Na+", 0.1}}, 200.0), InputError);
  CHECK_THROWS_AS((void)solver.solve({{"Na+", std::nan("")}}, 298.15), InputError);
  CHECK_THROWS_AS((void)solver.solve({{"Cs+", 0.1}}, 298.15), InputError);
  // Extrapolation beyond a reaction's t_max (373.15 K by default) is refused unless allowed.
  CHECK_THROWS_WITH_AS((void)solver.solve({{"Na+", 0.1}}, 400.0), doctest::Contains("valid range"),
                       InputError);

  // pH 1 fixed with only 0.05 mol/kg Cl-: the positive charge of H+ alone exceeds it, so no amount of
  // Na+ can close the charge balance on Na+.
  SpeciationOptions options;
  options.ph = 1.0;
  options.charge_balance = "Na+";
  SpeciationSolver impossible(sys, options);
  try {
    (void)impossible.solve({{"Cl-", 0.05}}, 298.15);
    FAIL("expected a SolverError");
  } catch (const SolverError& e) {
    CHECK(std::string(e.what()).find("charge_balance[Na+]") != std::string::npos);
    REQUIRE_FALSE(e.details().worst_components.empty());
    CHECK(e.details().worst_components.front().name == "charge_balance[Na+]");
    CHECK(e.details().solver == "speciation");
  }
}

TEST_CASE("scheelite from the bundled database: saturation index and solubility in water") {
  // data/minerals.yaml: scheelite log K(formation) = 9.29 (log Ksp = -9.29, from Shen et al. 2018 dGf).
  const auto sys = std::make_shared<const ChemicalSystem>(
      Database::bundled(), std::vector<std::string>{"H+", "Ca+2", "WO4-2"},
      std::vector<std::string>{"scheelite"}, std::vector<std::string>{"OH-"});
  SpeciationSolver si_solver(sys);
  const SpeciationResult r = si_solver.solve({{"Ca+2", 1e-4}, {"WO4-2", 1e-3}}, 298.15);
  CHECK(r.saturation_index_of("scheelite") ==
        doctest::Approx(std::log10(r.activity_of("Ca+2") * r.activity_of("WO4-2")) + 9.29).epsilon(1e-12));
  // Free = total here (no complex but OH-) and Davies gives g(Ca+2) = g(WO4-2): SI = -7 + 9.29 + 2 log g.
  CHECK(r.saturation_index_of("scheelite") ==
        doctest::Approx(-7.0 + 9.29 + 2.0 * std::log10(r.activity_coefficient_of("Ca+2"))).epsilon(1e-9));
  // In pure water (OH- the only other species): s^2 g(Ca) g(WO4) = Ksp, so s = sqrt(Ksp / (g g)).
  SpeciationOptions eq;
  eq.equilibrium_minerals = {"scheelite"};
  SpeciationSolver solver(sys, eq);
  const SpeciationResult s = solver.solve(Vector::Zero(3), 298.15);
  const double g = s.activity_coefficient_of("Ca+2") * s.activity_coefficient_of("WO4-2");
  CHECK(s.dissolved("scheelite") == doctest::Approx(std::sqrt(std::pow(10.0, -9.29) / g)).epsilon(1e-10));
  CHECK(s.dissolved("scheelite") == doctest::Approx(2.3e-5).epsilon(0.02));
  CHECK(s.molality_of("Ca+2") == doctest::Approx(s.dissolved("scheelite")).epsilon(1e-12));
}
