// Tests of the error family: InputError and SolverError formatting, and closest_match (did-you-mean).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "hydromet/core/error.hpp"

using hydromet::closest_match;
using hydromet::ComponentError;
using hydromet::Error;
using hydromet::InputError;
using hydromet::SolverError;
using hydromet::SourceLocation;

TEST_CASE("InputError without a location reads `error: message`") {
  const InputError error("expected a number");
  CHECK(std::string(error.what()) == "error: expected a number");
  CHECK(error.message() == "expected a number");
  CHECK_FALSE(error.location().known());
}

TEST_CASE("InputError with a location shows file:line:column, the line and a caret under the column") {
  const std::string line = "  temperature: 80 degF";
  const InputError error("unknown unit `degF`", SourceLocation{"plant.yaml", 3, 19, line});
  // Column 19 is the `d` of `degF`; the display indents by two spaces, so the caret follows 2 + 18 spaces.
  REQUIRE(line[19 - 1] == 'd');
  const std::string expected =
      "plant.yaml:3:19: error: unknown unit `degF`\n"
      "    temperature: 80 degF\n" +
      std::string(2 + 18, ' ') + "^";
  CHECK(std::string(error.what()) == expected);
  CHECK(error.message() == "unknown unit `degF`");
  CHECK(error.location().known());
  CHECK(error.location().file == "plant.yaml");
  CHECK(error.location().line == 3);
  CHECK(error.location().column == 19);
}

TEST_CASE("InputError caret: tabs are kept, column 1 and columns past the end of the line") {
  SUBCASE("tab") {
    const InputError error("bad", SourceLocation{"f.yaml", 1, 3, "\tx: y"});
    CHECK(std::string(error.what()) == "f.yaml:1:3: error: bad\n  \tx: y\n  \t ^");
  }
  SUBCASE("column 1") {
    const InputError error("bad", SourceLocation{"f.yaml", 2, 1, "key"});
    CHECK(std::string(error.what()) == "f.yaml:2:1: error: bad\n  key\n  ^");
  }
  SUBCASE("column past the end stops at the end of the line") {
    const InputError error("bad", SourceLocation{"f.yaml", 2, 10, "ab"});
    CHECK(std::string(error.what()) == "f.yaml:2:10: error: bad\n  ab\n    ^");
  }
  SUBCASE("known line without its text: no caret") {
    const InputError error("bad", SourceLocation{"f.yaml", 4, 2, ""});
    CHECK(std::string(error.what()) == "f.yaml:4:2: error: bad");
  }
  SUBCASE("file only") {
    const InputError error("cannot open", SourceLocation{"missing.yaml", 0, 0, ""});
    CHECK(std::string(error.what()) == "missing.yaml: error: cannot open");
  }
}

TEST_CASE("the error family derives from Error and std::runtime_error") {
  CHECK_THROWS_AS(throw InputError("x"), Error);
  CHECK_THROWS_AS(throw SolverError("x"), Error);
  CHECK_THROWS_AS(throw InputError("x"), std::runtime_error);
}

TEST_CASE("SolverError names the solver, the time, the flag and the worst components") {
  SolverError::Details details;
  details.solver = "CVODES";
  details.flag = "CV_CONV_FAILURE";
  details.time = 12.5;
  details.worst_components = {ComponentError{"leach1.n[Na2CO3]", 3.5},
                              ComponentError{"leach1.n[scheelite]", 1.25}};
  const SolverError error("convergence test failed repeatedly", details);
  CHECK(std::string(error.what()) ==
        "CVODES failed at t = 12.5 s (CV_CONV_FAILURE): convergence test failed repeatedly\n"
        "  largest weighted errors:\n"
        "    leach1.n[Na2CO3]  3.5\n"
        "    leach1.n[scheelite]  1.25");
  CHECK(error.message() == "convergence test failed repeatedly");
  CHECK(error.details().flag == "CV_CONV_FAILURE");
  CHECK(error.details().worst_components.size() == 2);
  CHECK(error.details().worst_components[0].weighted_error == 3.5);
}

TEST_CASE("SolverError of a steady solve (time NaN) omits the time; no solver name gives `solver`") {
  SolverError::Details details;
  details.solver = "KINSOL";
  details.flag = "KIN_LINESEARCH_NONCONV";
  details.time = std::numeric_limits<double>::quiet_NaN();
  CHECK(std::string(SolverError("line search failed", details).what()) ==
        "KINSOL failed (KIN_LINESEARCH_NONCONV): line search failed");

  SolverError::Details anonymous;
  anonymous.time = std::numeric_limits<double>::quiet_NaN();
  CHECK(std::string(SolverError("no progress", anonymous).what()) == "solver failed: no progress");
}

TEST_CASE("closest_match suggests the nearest candidate within the edit-distance threshold") {
  const std::vector<std::string> units = {"kg", "g", "mg", "degC", "K"};
  CHECK(closest_match("kgg", units) == "kg");     // one deletion
  CHECK(closest_match("degc", units) == "degC");  // one substitution
  CHECK(closest_match("kg", units) == "kg");      // exact match, distance 0
  CHECK(closest_match("temprature", {"temperature", "pressure", "volume"}) == "temperature");
  CHECK(closest_match("volumme", {"temperature", "pressure", "volume"}) == "volume");
  CHECK(closest_match("xyzzy", {"temperature", "pressure", "volume"}).empty());
  CHECK(closest_match("anything", {}).empty());
}

TEST_CASE("closest_match threshold: distance below max(2, size/3) + 1; ties go to the first candidate") {
  // Three letters: threshold 3, so distance 2 matches and distance 3 does not.
  CHECK(closest_match("abc", {"axy"}).empty() == false);
  CHECK(closest_match("abc", {"xyz"}).empty());
  // Twelve letters: threshold 12/3 + 1 = 5, so four substitutions match and five do not.
  CHECK(closest_match("abcdefghijkl", {"abcdefghWXYZ"}) == "abcdefghWXYZ");
  CHECK(closest_match("abcdefghijkl", {"abcdefgVWXYZ"}).empty());
  // Equal distances: the first candidate wins.
  CHECK(closest_match("ab", {"ax", "ay"}) == "ax");
  CHECK(closest_match("ab", {"ay", "ax"}) == "ay");
  // The closest wins over an earlier, farther one.
  CHECK(closest_match("mmol", {"mol", "mmol"}) == "mmol");
}
