// Resolution of the database directory.
#include "hydromet/core/data_path.hpp"

#include <cstdlib>
#include <filesystem>

namespace hydromet {

std::string data_directory() {
  if (const char* from_environment = std::getenv("HYDROMET_DATA_DIR");
      from_environment && *from_environment) {
    return from_environment;
  }
  std::error_code ignored;
  if (std::filesystem::is_directory(HYDROMET_SOURCE_DATA_DIR, ignored)) {
    return HYDROMET_SOURCE_DATA_DIR;
  }
  return HYDROMET_INSTALL_DATA_DIR;
}

}  // namespace hydromet
