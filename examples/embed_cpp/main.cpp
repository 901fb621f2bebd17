// Load a flowsheet file, run it as the file asks (dynamic by default, `--steady` for a steady solve) and
// print one output at the end, e.g.:
//   leach_kpi flowsheets/w_scheelite_soda_batch.yaml "autoclave.extraction[W]"
// Bad input (unknown file, YAML mistakes, unknown output) is reported with its message and exit code 1.
#include <cstdio>
#include <exception>
#include <string>

#include "hydromet/core/error.hpp"
#include "hydromet/flowsheet/flowsheet.hpp"
#include "hydromet/io/flowsheet_loader.hpp"

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: %s FLOWSHEET.yaml OUTPUT_NAME [--steady]\n", argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  const std::string output = argv[2];
  const bool steady = argc == 4 && std::string(argv[3]) == "--steady";
  try {
    auto flowsheet = hydromet::load_flowsheet(path);
    double value = 0.0;
    if (steady) {
      value = flowsheet.solve_steady().output(output);
    } else {
      // The output times and solver options written in the file's `simulation:` section.
      const auto result = flowsheet.simulate(flowsheet.run.times(flowsheet.run.until), flowsheet.run.options);
      const auto column = result.output(output);
      value = column[column.size() - 1];
    }
    // 17 significant digits: enough to compare bit for bit with the Python package.
    std::printf("%s = %.17g\n", output.c_str(), value);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s\n", error.what());
    return 1;
  }
  return 0;
}
