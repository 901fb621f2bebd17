// libFuzzer target: hydromet::load_flowsheet_string (io/flowsheet_loader.hpp), then Flowsheet::validate.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_common.hpp"
#include "hydromet/chemistry/database.hpp"
#include "hydromet/io/flowsheet_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The bundled database is loaded once, outside the measured input, so that its lifetime-of-process
  // cache is not taken for a leak.
  static const bool database_loaded = [] {
    static_cast<void>(hydromet::Database::bundled());
    return true;
  }();
  static_cast<void>(database_loaded);
  const std::string text = hydromet::fuzz::as_text(data, size);
  return hydromet::fuzz::run([&] {
    hydromet::Flowsheet flowsheet = hydromet::load_flowsheet_string(text, "fuzz.yaml");
    flowsheet.validate();
  });
}
