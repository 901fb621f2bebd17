// Phase names for species.
#include "hydromet/chemistry/species.hpp"

#include <array>
#include <utility>

namespace hydromet {

namespace {
constexpr std::array<std::pair<Phase, const char*>, 5> phase_names{{{Phase::aqueous, "aqueous"},
                                                                    {Phase::solvent, "solvent"},
                                                                    {Phase::solid, "solid"},
                                                                    {Phase::gas, "gas"},
                                                                    {Phase::organic, "organic"}}};
}  // namespace

const char* to_string(Phase phase) {
  for (const auto& [value, name] : phase_names) {
    if (value == phase) {
      return name;
    }
  }
  return "unknown";
}

std::optional<Phase> phase_from_string(std::string_view text) {
  for (const auto& [value, name] : phase_names) {
    if (text == name) {
      return value;
    }
  }
  return std::nullopt;
}

}  // namespace hydromet
