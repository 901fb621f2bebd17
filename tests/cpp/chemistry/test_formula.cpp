// Tests of the formula parser: composition, charge, molar mass and every error message.
#include <doctest/doctest.h>

#include <string>

#include "hydromet/chemistry/formula.hpp"
#include "hydromet/core/error.hpp"

using hydromet::Formula;
using hydromet::InputError;
using hydromet::parse_formula;

namespace {

// Hand sums use the IUPAC 2021 abridged weights [g/mol], written out here independently of the table.
constexpr double H = 1.0080, N = 14.007, O = 15.999, Na = 22.990, Ca = 40.078, Mn = 54.938, Fe = 55.845,
                 W = 183.84, S = 32.06;

/// The message of the InputError that parse_formula throws for `text`.
std::string error_of(const std::string& text) {
  try {
    (void)parse_formula(text);
  } catch (const InputError& error) {
    CHECK_FALSE(error.location().known());  // the parser has no file; callers add the location
    return error.message();
  }
  FAIL("no error for `" << text << "`");
  return {};
}

}  // namespace

TEST_CASE("molar masses against hand sums") {
  SUBCASE("scheelite CaWO4") {
    const Formula f = parse_formula("CaWO4");
    CHECK(f.molar_mass == doctest::Approx((Ca + W + 4 * O) * 1e-3).epsilon(1e-12));
    CHECK(f.molar_mass == doctest::Approx(0.28792).epsilon(5e-5));  // 287.92 g/mol as usually quoted
  }
  SUBCASE("APT tetrahydrate (NH4)10H2W12O42:4H2O") {
    const Formula f = parse_formula("(NH4)10H2W12O42:4H2O");
    // N10 H(40+2+8) W12 O(42+4)
    CHECK(f.molar_mass == doctest::Approx((10 * N + 50 * H + 12 * W + 46 * O) * 1e-3).epsilon(1e-12));
    CHECK(f.molar_mass == doctest::Approx(3.1325).epsilon(1e-4));
    CHECK(f.composition.at("N") == 10.0);
    CHECK(f.composition.at("H") == 50.0);
    CHECK(f.composition.at("W") == 12.0);
    CHECK(f.composition.at("O") == 46.0);
    CHECK(f.composition.size() == 4);
    CHECK(f.charge == 0.0);
  }
  SUBCASE("wolframite Fe0.5Mn0.5WO4") {
    const Formula f = parse_formula("Fe0.5Mn0.5WO4");
    CHECK(f.molar_mass == doctest::Approx((0.5 * Fe + 0.5 * Mn + W + 4 * O) * 1e-3).epsilon(1e-12));
    CHECK(f.composition.at("Fe") == 0.5);
    CHECK(f.composition.at("Mn") == 0.5);
  }
  SUBCASE("sodium tungstate dihydrate Na2WO4:2H2O") {
    const Formula f = parse_formula("Na2WO4:2H2O");
    CHECK(f.molar_mass == doctest::Approx((2 * Na + W + 6 * O + 4 * H) * 1e-3).epsilon(1e-12));
    CHECK(f.molar_mass == doctest::Approx(0.32985).epsilon(5e-5));  // 329.85 g/mol
  }
  SUBCASE("gypsum CaSO4:2H2O") {
    CHECK(parse_formula("CaSO4:2H2O").molar_mass ==
          doctest::Approx((Ca + S + 6 * O + 4 * H) * 1e-3).epsilon(1e-12));
  }
}

TEST_CASE("composition of nested groups and brackets") {
  const Formula ferrocyanide = parse_formula("K4[Fe(CN)6]");
  CHECK(ferrocyanide.composition.at("K") == 4.0);
  CHECK(ferrocyanide.composition.at("Fe") == 1.0);
  CHECK(ferrocyanide.composition.at("C") == 6.0);
  CHECK(ferrocyanide.composition.at("N") == 6.0);

  const Formula siloxane = parse_formula("((CH3)3Si)2O");
  CHECK(siloxane.composition.at("C") == 6.0);
  CHECK(siloxane.composition.at("H") == 18.0);
  CHECK(siloxane.composition.at("Si") == 2.0);
  CHECK(siloxane.composition.at("O") == 1.0);

  const Formula apatite = parse_formula("Ca5(PO4)3OH");
  CHECK(apatite.composition.at("O") == 13.0);
  CHECK(apatite.composition.at("H") == 1.0);

  const Formula complex_ion = parse_formula("[Fe(CN)6]-4");
  CHECK(complex_ion.charge == -4.0);
  CHECK(complex_ion.composition.at("C") == 6.0);
}

TEST_CASE("charges in every notation") {
  CHECK(parse_formula("WO4-2").charge == -2.0);
  CHECK(parse_formula("WO4[2-]").charge == -2.0);
  CHECK(parse_formula("H+").charge == 1.0);
  CHECK(parse_formula("Fe+3").charge == 3.0);
  CHECK(parse_formula("Fe[3+]").charge == 3.0);
  CHECK(parse_formula("NH4[+]").charge == 1.0);
  CHECK(parse_formula("Fe++").charge == 2.0);
  CHECK(parse_formula("SO4--").charge == -2.0);
  CHECK(parse_formula("OH-").charge == -1.0);
  CHECK(parse_formula("CaWO4").charge == 0.0);

  const Formula bifluoride = parse_formula("HF2-");
  CHECK(bifluoride.charge == -1.0);
  CHECK(bifluoride.composition.at("H") == 1.0);
  CHECK(bifluoride.composition.at("F") == 2.0);

  const Formula paratungstate = parse_formula("W7O24-6");
  CHECK(paratungstate.charge == -6.0);
  CHECK(paratungstate.composition.at("W") == 7.0);
  CHECK(paratungstate.composition.at("O") == 24.0);

  // The same ion in both notations has the same composition and mass.
  CHECK(parse_formula("WO4-2").composition == parse_formula("WO4[2-]").composition);
  CHECK(parse_formula("WO4-2").molar_mass == parse_formula("WO4[2-]").molar_mass);

  const Formula electron = parse_formula("e-");
  CHECK(electron.charge == -1.0);
  CHECK(electron.composition.empty());
  CHECK(electron.molar_mass == 0.0);
}

TEST_CASE("hydrate separators and phase suffixes") {
  const auto reference = parse_formula("CaSO4:2H2O").composition;
  CHECK(parse_formula("CaSO4*2H2O").composition == reference);
  CHECK(parse_formula("CaSO4\xC2\xB7"
                      "2H2O")
            .composition == reference);  // middle dot
  CHECK(parse_formula("CaSO4\xE2\x80\xA2"
                      "2H2O")
            .composition == reference);                          // bullet
  CHECK(parse_formula("CaSO4:H2O").composition.at("H") == 2.0);  // no count means one
  CHECK(parse_formula("CaSO4:0.5H2O").composition.at("H") == 1.0);

  CHECK(parse_formula("CaWO4(s)").composition == parse_formula("CaWO4").composition);
  CHECK(parse_formula("CO2(aq)").composition.at("C") == 1.0);
  CHECK(parse_formula("H2O(l)").composition.at("H") == 2.0);
  CHECK(parse_formula("CO2(g)").composition.at("O") == 2.0);
  CHECK(parse_formula("C8H18(org)").composition.at("C") == 8.0);
  CHECK(parse_formula("Nb2O5(am)").composition.at("Nb") == 2.0);
  CHECK(parse_formula("Fe+2(aq)").charge == 2.0);

  const Formula f = parse_formula("  CaWO4(s) ");
  CHECK(f.text == "CaWO4(s)");
}

TEST_CASE("error messages name the character and what was expected") {
  CHECK(error_of("") == "empty formula");
  CHECK(error_of("CaXxO4") == "in formula `CaXxO4` at character 3: unknown element `Xx`; did you mean `Xe`?");
  CHECK(error_of("(NH4") == "in formula `(NH4` at character 1: `(` is never closed; expected `)`");
  CHECK(error_of("(NH4]") ==
        "in formula `(NH4]` at character 5: expected `)` to close the `(` at character 1, got `]`");
  CHECK(error_of("NH4)") == "in formula `NH4)` at character 4: unexpected `)` with no matching `(`");
  CHECK(error_of("Ca()") == "in formula `Ca()` at character 3: empty group `()`");
  CHECK(error_of("2H2O").find("at character 1: a formula cannot start with a count") != std::string::npos);
  CHECK(error_of("Fe+2O") ==
        "in formula `Fe+2O` at character 5: unexpected `O` after the charge; the charge must come last");
  CHECK(error_of("(NH4+)2").find("at character 5: a charge must come at the end") != std::string::npos);
  CHECK(error_of("cawo4") ==
        "in formula `cawo4` at character 1: expected an element symbol (a capital letter), got `c`; did you "
        "mean "
        "`Ca`?");
  CHECK(error_of("CaSO4:") ==
        "in formula `CaSO4:` at character 6: expected a formula after the hydrate separator `:`");
  CHECK(error_of("CaSO4:2") ==
        "in formula `CaSO4:2` at character 6: expected a formula after the hydrate separator `:`");
  CHECK(error_of("Fe[3+").find("at character 3: expected `]` to close the charge") != std::string::npos);
  CHECK(error_of("Fe[3]").find("at character 5: expected `+` or `-` in the charge") != std::string::npos);
  CHECK(error_of("Fe+0") == "in formula `Fe+0` at character 3: a written charge must not be zero");
  CHECK(error_of("H0") == "in formula `H0` at character 2: a count must be positive, got `0`");
  CHECK(error_of("Fe1.") == "in formula `Fe1.` at character 5: expected a digit after the decimal point");
  CHECK(error_of("Ca%O").find("at character 3: unexpected `%`; expected an element symbol") !=
        std::string::npos);
  CHECK(error_of("Fe++2").find("at character 5: write the charge either as repeated signs") !=
        std::string::npos);
  CHECK(error_of("Fe+-").find("at character 4: mixed signs") != std::string::npos);
  CHECK(error_of("(aq)") == "formula `(aq)` has a phase but no composition");
  // Positions count characters, not bytes: the middle dot is one character (two bytes).
  CHECK(error_of("CaSO4\xC2\xB7"
                 "2Qq")
            .find("at character 8: unknown element `Qq`") != std::string::npos);
  CHECK(error_of("\xC2\xB7H2O").find("at character 1: expected an element symbol or `(` before `\xC2\xB7`") !=
        std::string::npos);
}
