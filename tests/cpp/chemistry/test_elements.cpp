// Tests of the element table against the IUPAC 2021 abridged standard atomic weights.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "hydromet/chemistry/elements.hpp"

using hydromet::Element;
using hydromet::elements;
using hydromet::find_element;

TEST_CASE("the table holds H to Pu in order of atomic number, each symbol once") {
  const auto table = elements();
  REQUIRE(table.size() == 94);
  std::set<std::string_view> symbols;
  for (std::size_t i = 0; i < table.size(); ++i) {
    CHECK(table[i].atomic_number == static_cast<int>(i) + 1);
    CHECK(table[i].atomic_weight > 0.0);
    CHECK(symbols.insert(table[i].symbol).second);
  }
  CHECK(table.front().symbol == "H");
  CHECK(table.back().symbol == "Pu");
}

TEST_CASE("atomic weights of the elements of W, Nb and Ta hydrometallurgy") {
  // Prohaska et al., Pure Appl. Chem. 94 (2022) 573, Table 2 (abridged, five significant figures).
  struct Expected {
    const char* symbol;
    double weight;
  };
  const Expected expected[] = {{"H", 1.0080},  {"C", 12.011},  {"N", 14.007},  {"O", 15.999},  {"F", 18.998},
                               {"Na", 22.990}, {"Si", 28.085}, {"S", 32.06},   {"Cl", 35.45},  {"K", 39.098},
                               {"Ca", 40.078}, {"Mn", 54.938}, {"Fe", 55.845}, {"Nb", 92.906}, {"Mo", 95.95},
                               {"Sn", 118.71}, {"Ta", 180.95}, {"W", 183.84},  {"Pb", 207.2},  {"U", 238.03}};
  for (const auto& [symbol, weight] : expected) {
    CAPTURE(symbol);
    const Element* element = find_element(symbol);
    REQUIRE(element != nullptr);
    CHECK(element->atomic_weight == doctest::Approx(weight).epsilon(1e-12));
  }
  CHECK(find_element("Nb")->name == "niobium");
  CHECK(find_element("W")->name == "tungsten");
  CHECK(find_element("Ta")->atomic_number == 73);
}

TEST_CASE("symbols are case-sensitive and unknown symbols give nullptr") {
  CHECK(find_element("w") == nullptr);
  CHECK(find_element("NB") == nullptr);
  CHECK(find_element("Xx") == nullptr);
  CHECK(find_element("") == nullptr);
  CHECK(find_element("Am") == nullptr);  // beyond Pu
  CHECK(find_element("Co") != find_element("C"));
}
