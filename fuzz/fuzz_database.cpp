// libFuzzer target: hydromet::Database::from_string (chemistry/database.hpp).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_common.hpp"
#include "hydromet/chemistry/database.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = hydromet::fuzz::as_text(data, size);
  return hydromet::fuzz::run([&] {
    const hydromet::Database database = hydromet::Database::from_string(text, "fuzz.yaml");
    database.check_references();
  });
}
