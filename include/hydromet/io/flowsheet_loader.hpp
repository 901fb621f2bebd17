// Loading flowsheets from YAML files, with every mistake reported at file:line:column.
#pragma once

#include <string>
#include <vector>

#include "hydromet/flowsheet/flowsheet.hpp"

namespace hydromet {
namespace detail {
struct YamlDocument;
}

/// Reads a flowsheet file (schema: docs/flowsheet-format.md). Throws InputError with the location.
[[nodiscard]] Flowsheet load_flowsheet(const std::string& path);
/// Reads flowsheet YAML text; `origin` names it in messages.
[[nodiscard]] Flowsheet load_flowsheet_string(const std::string& yaml_text,
                                              const std::string& origin = "<string>");

/// Builds a flowsheet from an already parsed document (sweeps parse once and edit the tree per case).
/// Messages point at `document.lines`; `source_text` is those lines, whatever edits the tree carries.
[[nodiscard]] Flowsheet load_flowsheet_document(const detail::YamlDocument& document);

/// The `type:` names the loader knows.
[[nodiscard]] std::vector<std::string> unit_types();

}  // namespace hydromet
