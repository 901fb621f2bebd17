// Reading and setting flowsheet parameters by path in the flowsheet's YAML text.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace YAML {
class Node;
}

namespace hydromet {

/// The value at `path` in flowsheet YAML text, as written (e.g. "200" or "80 degC"). A path is
/// `unit.key[.key...]` for equipment (`autoclave.temperature`, `autoclave.solution.CO3-2`) or a top-level
/// section path (`simulation.until`, `reactions.soda.kinetics.rate_constant`). Throws InputError for a path
/// that names nothing, with a did-you-mean.
[[nodiscard]] std::string get_parameter(const std::string& yaml_text, const std::string& path);

/// The YAML text with the value at `path` replaced by `value` (a number or a quantity with units, kept as
/// text). The leaf must exist, or its parent map must (a new key is then added, e.g. a new solute). The
/// result is emitted by yaml-cpp: comments are not kept.
[[nodiscard]] std::string set_parameter(const std::string& yaml_text, const std::string& path,
                                        const std::string& value);

/// The same on a parsed flowsheet tree, in place (no text round trip: sweeps apply cases this way).
void set_parameter(YAML::Node& root, const std::string& path, const std::string& value);

/// Applies several assignments in order.
[[nodiscard]] std::string set_parameters(const std::string& yaml_text,
                                         const std::vector<std::pair<std::string, std::string>>& assignments);

}  // namespace hydromet
