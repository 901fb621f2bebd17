// Internal: reading YAML with source locations; every mistake becomes an InputError at file:line:column.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "hydromet/core/error.hpp"
#include "hydromet/core/quantity.hpp"

namespace hydromet::detail {

/// A parsed YAML document with the text lines kept for error display.
struct YamlDocument {
  std::string file;                ///< path as given, or an origin such as "<string>"
  std::vector<std::string> lines;  ///< the text, line by line
  YAML::Node root;
};

/// Reads and parses a file; a missing file, an unreadable, binary or empty file and YAML syntax errors
/// are InputErrors with the location yaml-cpp reports.
[[nodiscard]] YamlDocument load_yaml_file(const std::string& path);
[[nodiscard]] YamlDocument load_yaml_string(const std::string& text, const std::string& origin = "<string>");

/// file, 1-based line and column, and line text of a node (unknown when the node has no mark).
[[nodiscard]] SourceLocation location_of(const YamlDocument& document, const YAML::Node& node);

/// Throws InputError(message) located at node.
[[noreturn]] void fail_at(const YamlDocument& document, const YAML::Node& node, const std::string& message);

/// Requires a map; rejects keys not in `allowed`, at the key, with "did you mean" when one is close.
/// `what` names the owner in messages, e.g. "leach_tank `leach1`".
void check_keys(const YamlDocument& document, const YAML::Node& map,
                std::initializer_list<std::string_view> allowed, std::string_view what);
void check_keys(const YamlDocument& document, const YAML::Node& map, const std::vector<std::string>& allowed,
                std::string_view what);

/// The value under `key`; a missing key is an InputError at the map naming the key and `what`.
[[nodiscard]] YAML::Node require(const YamlDocument& document, const YAML::Node& map, std::string_view key,
                                 std::string_view what);

/// A scalar as text / a finite number / a boolean / a positive integer; anything else is an InputError at
/// the node saying what was expected.
[[nodiscard]] std::string as_string(const YamlDocument& document, const YAML::Node& node,
                                    std::string_view what);
[[nodiscard]] double as_number(const YamlDocument& document, const YAML::Node& node, std::string_view what);
[[nodiscard]] bool as_bool(const YamlDocument& document, const YAML::Node& node, std::string_view what);
[[nodiscard]] long as_count(const YamlDocument& document, const YAML::Node& node, std::string_view what);

/// A quantity in SI: a bare number takes `default_unit`; a string "80 degC" carries its unit; the
/// dimension must be `expected` ("expected a temperature, got `5 kg`"); NaN and infinities are rejected.
[[nodiscard]] double as_quantity(const YamlDocument& document, const YAML::Node& node,
                                 const Dimension& expected, std::string_view default_unit,
                                 std::string_view what);

}  // namespace hydromet::detail
