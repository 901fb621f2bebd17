// Reaction equations: parsing, normalisation per mole of mineral and balance checks.
#include <doctest/doctest.h>

#include "hydromet/chemistry/database.hpp"
#include "hydromet/core/error.hpp"
#include "hydromet/kinetics/leach_reaction.hpp"

using namespace hydromet;

namespace {
Database test_database() {
  return Database::from_string(R"(
species:
  - {name: OH-, formula: OH-, phase: aqueous, source: test}
  - {name: WO4-2, formula: WO4-2, phase: aqueous, source: test}
  - {name: CO3-2, formula: CO3-2, phase: aqueous, source: test}
  - {name: H2O, formula: H2O, phase: solvent, source: test}
  - {name: scheelite, formula: CaWO4, phase: solid, density: 6100, source: test}
  - {name: calcite, formula: CaCO3, phase: solid, density: 2710, source: test}
  - {name: ferberite, formula: FeWO4, phase: solid, density: 7500, source: test}
  - {name: ferrous_hydroxide, formula: Fe(OH)2, phase: solid, density: 3400, source: test}
)",
                               "test");
}
}  // namespace

TEST_CASE("parse_reaction_equation keeps ionic names and coefficients") {
  const auto terms = parse_reaction_equation("ferberite + 2 OH- -> ferrous_hydroxide + WO4-2");
  REQUIRE(terms.size() == 4);
  CHECK(terms[0].species == "ferberite");
  CHECK(terms[0].coefficient == -1.0);
  CHECK(terms[1].species == "OH-");
  CHECK(terms[1].coefficient == -2.0);
  CHECK(terms[3].species == "WO4-2");
  CHECK(terms[3].coefficient == 1.0);
  CHECK_THROWS_WITH_AS(parse_reaction_equation("a + b"),
                       doctest::Contains("expected `reactants -> products`"), InputError);
  CHECK_THROWS_WITH_AS(parse_reaction_equation("a +  + b -> c"), doctest::Contains("expected a species"),
                       InputError);
  CHECK_THROWS_WITH_AS(parse_reaction_equation("-2 a -> c"), doctest::Contains("expected"), InputError);
}

TEST_CASE("LeachReaction::from_equation normalises per mole of mineral and checks balance") {
  const auto database = test_database();
  const auto reaction = LeachReaction::from_equation("wolframite_caustic",
                                                     "2 ferberite + 4 OH- -> 2 ferrous_hydroxide + 2 WO4-2",
                                                     "ferberite", "OH-", {}, database);
  CHECK(reaction.kinetics.reagent_stoichiometry == doctest::Approx(2.0));
  REQUIRE(reaction.terms.size() == 3);
  CHECK(reaction.terms[0].coefficient == doctest::Approx(-2.0));
  CHECK(reaction.terms[1].coefficient == doctest::Approx(1.0));

  CHECK_THROWS_WITH_AS(LeachReaction::from_equation("bad", "scheelite + OH- -> calcite + WO4-2", "scheelite",
                                                    "OH-", {}, database),
                       doctest::Contains("is not balanced"), InputError);
  CHECK_THROWS_WITH_AS(LeachReaction::from_equation("bad", "scheelite + CO3-2 -> calcite + WO4-2", "calcite",
                                                    "CO3-2", {}, database),
                       doctest::Contains("must be a reactant"), InputError);
  CHECK_THROWS_WITH_AS(LeachReaction::from_equation("bad", "scheelite + CO3-2 -> calcite + WO4-2",
                                                    "scheelite", "OH-", {}, database),
                       doctest::Contains("does not appear"), InputError);
  CHECK_THROWS_AS(LeachReaction::from_equation("bad", "scheelite + CO3-2 -> calcit + WO4-2", "scheelite",
                                               "CO3-2", {}, database),
                  InputError);
}
