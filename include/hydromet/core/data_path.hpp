// Where hydromet finds its species database (data/*.yaml).
#pragma once

#include <string>

namespace hydromet {

/// Directory of the bundled database: $HYDROMET_DATA_DIR if set, else the installed copy,
/// else the source tree's data/ (for builds run in place).
[[nodiscard]] std::string data_directory();

}  // namespace hydromet
