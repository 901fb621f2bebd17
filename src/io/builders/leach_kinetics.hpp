// Internal: reading a leach reaction's `kinetics:` (shrinking core, Avrami, rate expression).
#pragma once

#include <functional>
#include <string>

#include "common/yaml_support.hpp"
#include "hydromet/chemistry/database.hpp"
#include "hydromet/kinetics/leach_reaction.hpp"
#include "io/build_context.hpp"

namespace hydromet::detail {

/// Reads `kinetics:` of reaction `where` into `reaction` (form, order basis, and the law's parameters).
/// Species read by a rate expression (c_<s>, a_<s>) are passed to `track` so that streams carry them.
void read_leach_kinetics(const YamlDocument& document, const DefaultUnits& units, const Database& database,
                         const YAML::Node& node, const std::string& where, LeachReaction& reaction,
                         const std::function<void(const YAML::Node&, const std::string&)>& track);

}  // namespace hydromet::detail
