// The element table: symbols and standard atomic weights (IUPAC abridged values).
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace hydromet {

struct Element {
  std::string_view symbol;
  std::string_view name;
  int atomic_number = 0;
  double atomic_weight = 0.0;  ///< standard atomic weight [g/mol] (IUPAC 2021 abridged)
};

/// Every element of the table, ordered by atomic number.
[[nodiscard]] std::span<const Element> elements();

/// The element with this symbol (case-sensitive, e.g. "W", "Nb"), or nullptr.
[[nodiscard]] const Element* find_element(std::string_view symbol);

}  // namespace hydromet
