// Tests of the species database: reading, validation with locations, merging, queries and the bundled files.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <future>
#include <string>
#include <vector>

#include "hydromet/chemistry/database.hpp"
#include "hydromet/core/data_path.hpp"
#include "hydromet/core/error.hpp"

using hydromet::Database;
using hydromet::InputError;
using hydromet::Phase;
using hydromet::SitCoefficient;
using hydromet::Species;

namespace {

const std::string test_data = std::string(HYDROMET_TEST_DATA_DIR) + "/chemistry/";

template <typename Action>
InputError error_from(Action&& action) {
  try {
    action();
  } catch (const InputError& error) {
    return error;
  }
  FAIL("no InputError was thrown");
  return InputError("unreachable");
}

/// The error of loading `yaml` as a database.
InputError load_error(const std::string& yaml) {
  return error_from([&] { (void)Database::from_string(yaml, "db.yaml"); });
}

bool contains(const std::string& text, const std::string& fragment) {
  const bool found = text.find(fragment) != std::string::npos;
  if (!found) {
    MESSAGE("`" << fragment << "` not in: " << text);
  }
  return found;
}

const std::string water = "  - {name: H2O, formula: H2O, phase: solvent, source: test}\n";

}  // namespace

TEST_CASE("a small database file is read with units converted to SI") {
  const Database db = Database::from_file(test_data + "small_database.yaml");
  CHECK(db.names() == std::vector<std::string>{"H2O", "H+", "OH-", "Ca+2", "WO4-2", "scheelite"});

  const Species& hydroxide = db.species("OH-");
  CHECK(hydroxide.phase == Phase::aqueous);
  CHECK(hydroxide.charge() == -1.0);
  CHECK(hydroxide.molar_mass() == doctest::Approx((15.999 + 1.0080) * 1e-3).epsilon(1e-12));
  REQUIRE(hydroxide.ion_size.has_value());
  CHECK(*hydroxide.ion_size == doctest::Approx(3.5e-10).epsilon(1e-12));
  REQUIRE(hydroxide.formation.has_value());
  const auto& formation = *hydroxide.formation;
  CHECK(formation.reactants.at("H2O") == 1.0);
  CHECK(formation.reactants.at("H+") == -1.0);
  CHECK(formation.log_k_298 == -13.995);
  REQUIRE(formation.delta_h.has_value());
  CHECK(*formation.delta_h == doctest::Approx(55800.0).epsilon(1e-12));
  CHECK(formation.log_k_coefficients == std::vector<double>{1.0, 2.0e-3, 0.0, 0.0, 0.0});
  CHECK(formation.valid_t_min == doctest::Approx(273.15).epsilon(1e-12));
  CHECK(formation.valid_t_max == doctest::Approx(423.15).epsilon(1e-12));
  CHECK(formation.source == "Bandura and Lvov (2006)");
  CHECK_FALSE(formation.assumed);

  const Species& scheelite = db.species("scheelite");
  CHECK(scheelite.phase == Phase::solid);
  CHECK(scheelite.density == doctest::Approx(6100.0).epsilon(1e-12));
  CHECK(scheelite.molar_mass() == doctest::Approx((40.078 + 183.84 + 4 * 15.999) * 1e-3).epsilon(1e-12));
  CHECK(scheelite.formation->log_k_298 == 9.3);
  CHECK(scheelite.formation->valid_t_min == 273.15);  // defaults
  CHECK(scheelite.formation->valid_t_max == 373.15);
  CHECK(scheelite.formation->assumed);
  CHECK(db.species("Ca+2").charge() == 2.0);  // written Ca[2+]
  CHECK(db.species("WO4-2").assumed);
  CHECK_FALSE(db.species("H+").formation.has_value());

  REQUIRE(db.sit_coefficients().size() == 1);
  CHECK(db.sit_coefficients()[0].epsilon == 0.05);
  CHECK(db.sit_coefficients()[0].assumed);
  CHECK_NOTHROW(db.check_references());
  CHECK(db.missing_references().empty());

  const auto where = db.location("scheelite");
  CHECK(where.file == test_data + "small_database.yaml");
  CHECK(where.line == 37);
  CHECK(where.column == 5);
}

TEST_CASE("queries: species with did-you-mean, find, contains") {
  const Database db = Database::from_file(test_data + "small_database.yaml");
  CHECK(db.contains("WO4-2"));
  CHECK_FALSE(db.contains("wo4-2"));
  CHECK(db.find("Ca+2") != nullptr);
  CHECK(db.find("Ca2+") == nullptr);
  CHECK(error_from([&] { (void)db.species("WO4--"); }).message() ==
        "unknown species `WO4--`; did you mean `WO4-2`?");
  CHECK(error_from([&] { (void)db.species("sheelite"); }).message() ==
        "unknown species `sheelite`; did you mean `scheelite`?");
  // No name is close, but the formula reads the same as an existing species.
  CHECK(error_from([&] { (void)db.species("WO4[2-]"); }).message() ==
        "unknown species `WO4[2-]`; did you mean `WO4-2`?");
  CHECK(error_from([&] { (void)db.species("ferberite"); }).message() == "unknown species `ferberite`");
}

TEST_CASE("add and merge replace entries of the same name and keep the order") {
  Database db = Database::from_file(test_data + "small_database.yaml");
  Species calcium = db.species("Ca+2");
  calcium.source = "replaced";
  db.add(calcium);
  CHECK(db.species("Ca+2").source == "replaced");
  CHECK(db.names().size() == 6);
  CHECK_FALSE(db.location("Ca+2").known());  // added in code

  Database extra = Database::from_string(
      "species:\n"
      "  - {name: H+, formula: H+, phase: aqueous, source: override}\n"
      "  - {name: Na+, formula: Na+, phase: aqueous, source: new}\n"
      "sit:\n"
      "  - {first: WO4-2, second: Ca+2, epsilon: 0.07, source: override}\n",
      "extra.yaml");
  db.merge(extra);
  CHECK(db.names() == std::vector<std::string>{"H2O", "H+", "OH-", "Ca+2", "WO4-2", "scheelite", "Na+"});
  CHECK(db.species("H+").source == "override");
  CHECK(db.location("H+").file == "extra.yaml");
  REQUIRE(db.sit_coefficients().size() == 1);  // the same pair in the other order replaces
  CHECK(db.sit_coefficients()[0].epsilon == 0.07);

  db.add(SitCoefficient{"Na+", "WO4-2", 0.01, "code"});
  CHECK(db.sit_coefficients().size() == 2);
  CHECK(error_from([&] { db.add(Species{}); }).message() == "a species needs a name");
}

TEST_CASE("formation references are checked once the database is complete") {
  SUBCASE("over an index whose files complete each other") {
    const Database db = Database::from_index(test_data + "index_split.yaml");
    CHECK(db.names() == std::vector<std::string>{"Ca+2", "F-", "fluorite"});
    CHECK(db.species("fluorite").formation->reactants.at("F-") == 2.0);
  }
  SUBCASE("a single file may name species of other files") {
    const Database minerals = Database::from_file(test_data + "split_minerals.yaml");
    CHECK(minerals.missing_references() == std::vector<std::string>{"Ca+2", "F-"});
    const InputError error = error_from([&] { minerals.check_references(); });
    CHECK(error.message() ==
          "the formation of species `fluorite` uses unknown species `Ca+2` (2 unknown names in all: `Ca+2`, "
          "`F-`)");
    CHECK(error.location().file == test_data + "split_minerals.yaml");
    CHECK(error.location().line == 8);
    CHECK(error.location().column == 19);  // at `Ca+2` in `reactants: {Ca+2: 1, F-: 2}`
  }
  SUBCASE("an index that leaves a reference open") {
    const InputError error =
        error_from([] { (void)Database::from_index(test_data + "index_minerals_only.yaml"); });
    CHECK(contains(error.message(), "uses unknown species `Ca+2`"));
    CHECK(error.location().line == 8);
  }
  SUBCASE("a misspelt reactant gets a did-you-mean") {
    const Database db =
        Database::from_string("species:\n" + water +
                                  "  - name: OH-\n"
                                  "    formula: OH-\n"
                                  "    phase: aqueous\n"
                                  "    formation:\n"
                                  "      reactants:\n"
                                  "        H2O: 1\n"
                                  "        H2+: -1\n"
                                  "      log_k: -14\n"
                                  "      source: test\n"
                                  "  - {name: H+, formula: H+, phase: aqueous, source: test}\n",
                              "ref.yaml");
    const InputError error = error_from([&] { db.check_references(); });
    CHECK(error.message() ==
          "the formation of species `OH-` uses unknown species `H2+`; did you mean `H2O`?");
    CHECK(error.location().file == "ref.yaml");
    CHECK(error.location().line == 9);
    CHECK(error.location().column == 9);
  }
  SUBCASE("a file listed in the index that does not exist") {
    const InputError error =
        error_from([] { (void)Database::from_index(test_data + "index_missing_file.yaml"); });
    CHECK(contains(error.message(), "database file `no_such_file.yaml` does not exist in"));
    CHECK(error.location().line == 4);
    CHECK(error.location().column == 5);
  }
}

TEST_CASE("entry validation: every mistake is located in the file") {
  SUBCASE("unknown key in an entry") {
    const InputError error = load_error(
        "species:\n"
        "  - name: quartz\n"
        "    formula: SiO2\n"
        "    phase: solid\n"
        "    densty: 2650\n"
        "    source: test\n");
    CHECK(error.message() == "unknown key `densty` in species `quartz`; did you mean `density`?");
    CHECK(error.location().file == "db.yaml");
    CHECK(error.location().line == 5);
    CHECK(error.location().column == 5);
  }
  SUBCASE("unknown key in a formation") {
    const InputError error = load_error("species:\n" + water +
                                        "  - name: OH-\n"
                                        "    formula: OH-\n"
                                        "    phase: aqueous\n"
                                        "    formation:\n"
                                        "      reactants: {H2O: 1}\n"
                                        "      logk: -14\n"
                                        "      source: test\n");
    CHECK(error.message() == "unknown key `logk` in the formation of species `OH-`; did you mean `log_k`?");
    CHECK(error.location().line == 8);
    CHECK(error.location().column == 7);
  }
  SUBCASE("unknown top-level key") {
    const InputError error = load_error("specie:\n" + water);
    CHECK(error.message() == "unknown key `specie` in a species database; did you mean `species`?");
    CHECK(error.location().line == 1);
  }
  SUBCASE("missing keys") {
    CHECK(load_error("species:\n  - {name: X, phase: solid, source: t}\n").message() ==
          "missing key `formula` in species `X`");
    CHECK(load_error("species:\n  - {formula: CaF2, phase: solid}\n").message() ==
          "missing key `name` in a species entry");
    CHECK(load_error("species:\n  - {name: CaF2, formula: CaF2, source: t}\n").message() ==
          "missing key `phase` in species `CaF2`");
    const InputError no_log_k = load_error("species:\n" + water +
                                           "  - name: OH-\n"
                                           "    formula: OH-\n"
                                           "    phase: aqueous\n"
                                           "    formation: {reactants: {H2O: 1}, source: test}\n");
    CHECK(no_log_k.message() == "missing key `log_k` in the formation of species `OH-`");
    CHECK(no_log_k.location().line == 6);
    CHECK(no_log_k.location().column == 16);
    CHECK(load_error(
              "species:\n  - {name: X, formula: CaF2, phase: solid, formation: {reactants: {Ca+2: 1}, log_k: "
              "1}}\n")
              .message() == "missing key `source` in the formation of species `X`");
    CHECK(load_error("{}\n").message() == "a species database needs a `species:` list or a `sit:` list");
  }
  SUBCASE("wrong types") {
    const InputError density = load_error(
        "species:\n"
        "  - {name: X, formula: CaF2, phase: solid, density: [1, 2], source: t}\n");
    CHECK(density.message() ==
          "expected a number or a quantity with units for the density of species `X`, got a list");
    CHECK(density.location().line == 2);
    CHECK(density.location().column == 53);
    CHECK(load_error("species: {name: X}\n").message() ==
          "expected a list of species entries under `species:`");
    CHECK(load_error("species:\n  - H2O\n").message() ==
          "expected a species entry (a map with `name`, `formula`, `phase`, ...)");
    CHECK(load_error("species:\n  - {name: X, formula: CaF2, phase: solid, assumed: maybe, source: t}\n")
              .message() == "expected `true` or `false` for `assumed` of species `X`, got `maybe`");
    CHECK(load_error("species:\n  - {name: X, formula: CaF2, phase: solid, density: 5 K, source: t}\n")
              .message()
              .find("the density of species `X`: expected a mass concentration or density, got `5 K`") !=
          std::string::npos);
    CHECK(load_error("species:\n  - {name: X, formula: CaF2, phase: solid, formation: {reactants: [Ca+2], "
                     "log_k: 1, source: t}}\n")
              .message() ==
          "expected a map of species to coefficients for the reactants of `X`, as in `{Ca+2: 1, WO4-2: 1}`");
    CHECK(
        load_error("species:\n  - {name: X, formula: CaF2, phase: solid, formation: {reactants: {Ca+2: one}, "
                   "log_k: 1, source: t}}\n")
            .message() == "expected a number for the coefficient of `Ca+2`, got `one`");
  }
  SUBCASE("non-finite numbers") {
    const InputError nan_log_k = load_error("species:\n" + water +
                                            "  - name: OH-\n"
                                            "    formula: OH-\n"
                                            "    phase: aqueous\n"
                                            "    formation:\n"
                                            "      reactants: {H2O: 1}\n"
                                            "      log_k: .nan\n"
                                            "      source: test\n");
    CHECK(nan_log_k.message() == "log_k of `OH-` must be a finite number, got `.nan`");
    CHECK(nan_log_k.location().line == 8);
    CHECK(nan_log_k.location().column == 14);
    CHECK(load_error("species:\n  - {name: X, formula: CaF2, phase: solid, density: .inf, source: t}\n")
              .message() == "the density of species `X` must be a finite number, got `.inf`");
    CHECK(load_error("species:\n  - {name: X, formula: CaF2, phase: solid, formation: {reactants: {Ca+2: 1}, "
                     "log_k: 1, log_k_coefficients: [1, .nan], source: t}}\n")
              .message() == "a log_k coefficient of `X` must be a finite number, got `.nan`");
  }
  SUBCASE("duplicate names within one file") {
    const InputError error = load_error("species:\n" + water +
                                        "  - name: H+\n"
                                        "    formula: H+\n"
                                        "    phase: aqueous\n"
                                        "  - name: H+\n"
                                        "    formula: H[+]\n"
                                        "    phase: aqueous\n");
    CHECK(error.message() == "duplicate species `H+` in this file; first defined at line 3");
    CHECK(error.location().line == 6);
    CHECK(error.location().column == 11);
  }
  SUBCASE("a name that is a formula must carry the formula's charge") {
    const InputError error = load_error(
        "species:\n"
        "  - name: WO4-2\n"
        "    formula: WO4\n"
        "    phase: aqueous\n");
    CHECK(error.message() == "the name `WO4-2` reads as charge -2 but its formula `WO4` has charge 0");
    CHECK(error.location().line == 3);
    CHECK(error.location().column == 14);
    // In a flow map `[` opens a list, so a bracketed charge is quoted there.
    CHECK_NOTHROW(
        (void)Database::from_string("species:\n  - {name: Fe+3, formula: \"Fe[3+]\", phase: aqueous}\n"));
  }
  SUBCASE("a bad formula is reported at the formula with the parser's message") {
    const InputError error = load_error("species:\n  - name: X\n    formula: CaXxO4\n    phase: solid\n");
    CHECK(error.message() == "in formula `CaXxO4` at character 3: unknown element `Xx`; did you mean `Xe`?");
    CHECK(error.location().line == 3);
    CHECK(error.location().column == 14);
  }
  SUBCASE("phase checks") {
    const InputError unknown = load_error("species:\n  - {name: X, formula: CaF2, phase: solide}\n");
    CHECK(unknown.message() == "unknown phase `solide` of species `X`; did you mean `solid`?");
    CHECK(
        load_error("species:\n  - {name: X, formula: CaF2, phase: plasma}\n").message() ==
        "unknown phase `plasma` of species `X`; expected `aqueous`, `solvent`, `solid`, `gas` or `organic`");
    CHECK(
        load_error("species:\n  - {name: X, formula: Ca+2, phase: solid}\n").message() ==
        "species `X` is solid but its formula has charge 2; only aqueous and organic species may be charged");
  }
  SUBCASE("numbers need a source") {
    CHECK(load_error("species:\n  - {name: X, formula: CaF2, phase: solid, density: 3180}\n").message() ==
          "species `X` gives a density or an ion size without a `source:` that cites or explains it");
    CHECK(load_error("species:\n  - {name: X, formula: CaF2, phase: solid, assumed: true}\n").message() ==
          "species `X` gives `assumed: true` without a `source:` that cites or explains it");
    CHECK(load_error("species:\n  - {name: X, formula: CaF2, phase: solid, formation: {reactants: {Ca+2: 1}, "
                     "log_k: 1, source: \"\"}}\n")
              .message() == "the source of the formation of species `X` is empty");
  }
  SUBCASE("physical ranges and reaction sanity") {
    CHECK(load_error("species:\n  - {name: X, formula: CaF2, phase: solid, density: -1, source: t}\n")
              .message() == "the density of species `X` must be positive");
    CHECK(load_error("species:\n  - {name: X, formula: F-, phase: aqueous, ion_size: 0, source: t}\n")
              .message() == "the ion size of species `X` must be positive");
    CHECK(load_error("species:\n  - {name: X, formula: CaF2, phase: solid, formation: {reactants: {Ca+2: 0}, "
                     "log_k: 1, source: t}}\n")
              .message() == "the coefficient of `Ca+2` in the formation of species `X` is zero");
    CHECK(load_error("species:\n  - {name: X, formula: CaF2, phase: solid, formation: {reactants: {X: 1}, "
                     "log_k: 1, source: t}}\n")
              .message() == "the formation of species `X` uses the species itself as a reactant");
    CHECK(load_error("species:\n  - {name: X, formula: CaF2, phase: solid, formation: {reactants: {Ca+2: 1, "
                     "Ca+2: 2}, log_k: 1, source: t}}\n")
              .message() == "reactant `Ca+2` appears twice in the formation of species `X`");
    CHECK(load_error("species:\n  - {name: X, formula: CaF2, phase: solid, formation: {reactants: {Ca+2: 1}, "
                     "log_k: 1, t_min: 100 degC, t_max: 50 degC, source: t}}\n")
              .message() ==
          "the validity range of the formation of species `X` must satisfy 0 K < t_min < t_max, got 373.15 K "
          "to "
          "323.15 K");
    CHECK(load_error("species:\n  - {name: X, formula: CaF2, phase: solid, formation: {reactants: {Ca+2: 1}, "
                     "log_k: 1, log_k_coefficients: [1, 2, 3, 4, 5, 6], source: t}}\n")
              .message() == "expected 1 to 5 numbers [a, b, c, d, e] for log_k_coefficients of `X`");
    CHECK(load_error("species:\n  - {name: \"\", formula: CaF2, phase: solid}\n").message() ==
          "a species name must be non-empty and without blanks, got ``");
  }
  SUBCASE("SIT entries") {
    const InputError duplicate = load_error(
        "sit:\n"
        "  - {first: Na+, second: WO4-2, epsilon: 0.1, source: t}\n"
        "  - {first: WO4-2, second: Na+, epsilon: 0.2, source: t}\n");
    CHECK(duplicate.message() == "duplicate SIT coefficient for (`WO4-2`, `Na+`); first defined at line 2");
    CHECK(duplicate.location().line == 3);
    CHECK(load_error("sit:\n  - {first: Na+, second: WO4-2, eps: 0.1, source: t}\n").message() ==
          "unknown key `eps` in an SIT coefficient; allowed keys: `first`, `second`, `epsilon`, `source`, "
          "`assumed`");
    const Database sit_only =
        Database::from_string("sit:\n  - {first: Na+, second: WO4-2, epsilon: 0.1, source: t}\n", "sit.yaml");
    const InputError unknown = error_from([&] { sit_only.check_references(); });
    CHECK(unknown.message() ==
          "the SIT coefficient (`Na+`, `WO4-2`) names unknown species `Na+` (2 unknown names in all: `Na+`, "
          "`WO4-2`)");
    CHECK(unknown.location().line == 2);
  }
  SUBCASE("YAML errors surface with their location") {
    const InputError error = load_error("species:\n  - {name: X, formula: CaF2\n");
    CHECK(error.message().find("YAML syntax error") == 0);
    CHECK(error.location().file == "db.yaml");
    CHECK(error.location().line > 0);
  }
}

TEST_CASE("the bundled data files") {
  const std::filesystem::path data = hydromet::data_directory();
  // Read each listed file alone (no cross-file check) to report every open reference by name.
  Database merged;
  for (const char* file : {"aqueous.yaml", "minerals.yaml", "organic.yaml"}) {
    CAPTURE(file);
    REQUIRE_NOTHROW(merged.merge(Database::from_file((data / file).string())));
  }

  const Database minerals = Database::from_file((data / "minerals.yaml").string());
  const std::vector<std::string> expected = {
      "scheelite",      "ferberite",   "huebnerite",  "wolframite", "columbite-(Fe)",
      "tantalite-(Fe)", "cassiterite", "quartz",      "calcite",    "gypsum",
      "portlandite",    "fluorite",    "hematite",    "goethite",   "Nb2O5",
      "Ta2O5",          "APT",         "Na2WO4:2H2O", "K2TaF7"};
  for (const std::string& name : expected) {
    CAPTURE(name);
    REQUIRE(minerals.contains(name));
    const Species& mineral = minerals.species(name);
    CHECK(mineral.phase == Phase::solid);
    CHECK(mineral.charge() == 0.0);
    CHECK(mineral.density > 1000.0);  // every solid carries its density [kg/m3]
    CHECK(mineral.density < 10000.0);
    CHECK_FALSE(mineral.source.empty());
    if (mineral.formation) {
      CHECK_FALSE(mineral.formation->source.empty());
    }
  }
  // Molar masses of the bundled minerals against hand sums [g/mol].
  CHECK(minerals.species("scheelite").molar_mass() == doctest::Approx(0.287914).epsilon(1e-9));
  CHECK(minerals.species("APT").molar_mass() == doctest::Approx(3.132504).epsilon(1e-9));
  CHECK(minerals.species("Na2WO4:2H2O").molar_mass() == doctest::Approx(0.329846).epsilon(1e-9));

  const std::vector<std::string> missing = merged.missing_references();
  if (missing.empty()) {
    const Database& bundled = Database::bundled();
    CHECK(bundled.contains("scheelite"));
    CHECK(bundled.contains("WO4-2"));
    CHECK(bundled.names().size() == merged.names().size());
    // bundled() is built once: every thread gets the same object.
    auto other = std::async(std::launch::async, [] { return &Database::bundled(); });
    CHECK(other.get() == &bundled);
  } else {
    std::string list;
    for (const auto& name : missing) {
      list += (list.empty() ? "" : ", ") + name;
    }
    WARN_MESSAGE(false,
                 "minerals.yaml names aqueous species that aqueous.yaml does not define yet: " << list);
    const InputError error = error_from([] { (void)Database::bundled(); });
    CHECK(contains(error.message(), "uses unknown species `"));
    CHECK(contains(error.message(), missing.front()));
    CHECK(error.location().known());
  }
}
