// Text, CSV and JSON writers.
#include "hydromet/io/writers.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <sstream>
#include <unistd.h>

#include "hydromet/core/error.hpp"

namespace hydromet {
namespace {

std::string json_string(const std::string& text) {
  std::ostringstream out;
  out << '"';
  for (const char c : text) {
    switch (c) {
      case '"':
        out << "\\\"";
        break;
      case '\\':
        out << "\\\\";
        break;
      case '\n':
        out << "\\n";
        break;
      case '\t':
        out << "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out << "\\u" << std::hex << std::setw(4) << std::setfill('0') << static_cast<int>(c) << std::dec;
        } else {
          out << c;
        }
    }
  }
  out << '"';
  return out.str();
}

std::string json_number(double value) {
  if (!std::isfinite(value)) {
    return "null";
  }
  std::ostringstream out;
  out << std::setprecision(std::numeric_limits<double>::max_digits10) << value;
  return out.str();
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) {
    return text;
  }
  std::string quoted = "\"";
  for (const char c : text) {
    quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  }
  return quoted + "\"";
}

// Output times in the most readable unit.
std::pair<double, std::string> time_unit(double end) {
  if (end >= 2.0 * 86400.0) {
    return {86400.0, "d"};
  }
  if (end >= 2.0 * 3600.0) {
    return {3600.0, "h"};
  }
  if (end >= 120.0) {
    return {60.0, "min"};
  }
  return {1.0, "s"};
}

}  // namespace

std::string format_table(const Flowsheet& flowsheet, const SimulationResult& result, std::size_t max_rows) {
  std::ostringstream out;
  const auto n_times = result.times.size();
  const auto [time_scale, time_label] = time_unit(result.times.empty() ? 0.0 : result.times.back());
  out << (flowsheet.name.empty() ? std::string("flowsheet") : flowsheet.name) << '\n';
  if (!flowsheet.source_file.empty()) {
    out << "  file: " << flowsheet.source_file << '\n';
  }
  out << '\n';

  // Columns: conversions, extractions and concentrations; each shown in a readable unit.
  struct Column {
    Eigen::Index index;
    std::string header;
    double scale;
  };
  std::vector<Column> columns;
  for (std::size_t j = 0; j < result.output_names.size(); ++j) {
    const auto& name = result.output_names[j];
    const auto& unit = result.output_units[j];
    const auto index = static_cast<Eigen::Index>(j);
    if (unit == "-") {
      columns.push_back({index, name + " [%]", 100.0});
    } else if (unit == "mol/m3") {
      columns.push_back({index, name + " [mol/L]", 1e-3});
    } else {
      columns.push_back({index, name + " [" + unit + "]", 1.0});
    }
  }
  std::vector<std::size_t> rows;
  const std::size_t shown = std::min(n_times, std::max<std::size_t>(max_rows, 2));
  for (std::size_t r = 0; r < shown; ++r) {
    const std::size_t k = shown == 1 ? 0 : (r * (n_times - 1)) / (shown - 1);
    if (rows.empty() || rows.back() != k) {
      rows.push_back(k);
    }
  }
  out << "Outputs\n";
  // Transposed layout (one line per output, one column per time) stays readable with many outputs.
  std::size_t label_width = 8;
  for (const auto& column : columns) {
    label_width = std::max(label_width, column.header.size());
  }
  out << "  " << std::left << std::setw(static_cast<int>(label_width)) << ("time [" + time_label + "]") << std::right;
  for (const auto k : rows) {
    out << std::setw(11) << std::setprecision(4) << result.times[k] / time_scale;
  }
  out << '\n';
  for (const auto& column : columns) {
    out << "  " << std::left << std::setw(static_cast<int>(label_width)) << column.header << std::right;
    for (const auto k : rows) {
      out << std::setw(11) << std::setprecision(5)
          << result.outputs(static_cast<Eigen::Index>(k), column.index) * column.scale;
    }
    out << '\n';
  }

  out << "\nElement balance [mol]\n";
  out << "  " << std::left << std::setw(8) << "element" << std::right << std::setw(16) << "initial" << std::setw(16)
      << "final" << std::setw(14) << "closure" << '\n';
  for (std::size_t e = 0; e < result.balance.elements.size(); ++e) {
    const auto i = static_cast<Eigen::Index>(e);
    const double reference = std::max(std::abs(result.balance.initial[i]), std::abs(result.balance.final[i]));
    const double closure =
        reference > 0.0 ? (result.balance.final[i] - result.balance.initial[i] - result.balance.inflow[i] +
                           result.balance.outflow[i]) /
                              reference
                        : 0.0;
    out << "  " << std::left << std::setw(8) << result.balance.elements[e] << std::right << std::setw(16)
        << std::setprecision(8) << result.balance.initial[i] << std::setw(16) << result.balance.final[i]
        << std::setw(14) << std::setprecision(2) << closure << '\n';
  }
  const auto& stats = result.statistics;
  out << "\nSolver: " << stats.method << ", " << stats.steps << " steps, " << stats.residual_evaluations
      << " residual evaluations, " << stats.jacobian_evaluations << " Jacobians, " << stats.nonlinear_iterations
      << " Newton iterations, " << stats.nonlinear_failures << " convergence failures, "
      << stats.error_test_failures << " error-test failures\n";
  return out.str();
}

std::string format_csv(const SimulationResult& result) {
  std::ostringstream out;
  out << "time [s]";
  for (std::size_t j = 0; j < result.output_names.size(); ++j) {
    out << ',' << csv_field(result.output_names[j] + " [" + result.output_units[j] + "]");
  }
  out << '\n' << std::setprecision(std::numeric_limits<double>::max_digits10);
  for (std::size_t k = 0; k < result.times.size(); ++k) {
    out << result.times[k];
    for (Eigen::Index j = 0; j < result.outputs.cols(); ++j) {
      out << ',' << result.outputs(static_cast<Eigen::Index>(k), j);
    }
    out << '\n';
  }
  return out.str();
}

std::string format_json(const Flowsheet& flowsheet, const SimulationResult& result) {
  std::ostringstream out;
  auto vector_json = [](const auto& values) {
    std::string text = "[";
    for (Eigen::Index i = 0; i < static_cast<Eigen::Index>(values.size()); ++i) {
      if (i > 0) {
        text += ',';
      }
      text += json_number(values[i]);
    }
    return text + "]";
  };
  auto names_json = [](const std::vector<std::string>& names) {
    std::string text = "[";
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (i > 0) {
        text += ',';
      }
      text += json_string(names[i]);
    }
    return text + "]";
  };
  out << "{\n  \"name\": " << json_string(flowsheet.name) << ",\n  \"file\": " << json_string(flowsheet.source_file)
      << ",\n  \"times\": " << vector_json(result.times) << ",\n  \"outputs\": {";
  for (std::size_t j = 0; j < result.output_names.size(); ++j) {
    const Vector column = result.outputs.col(static_cast<Eigen::Index>(j));
    out << (j ? "," : "") << "\n    " << json_string(result.output_names[j]) << ": {\"unit\": "
        << json_string(result.output_units[j]) << ", \"values\": " << vector_json(column) << "}";
  }
  out << "\n  },\n  \"state_names\": " << names_json(result.state_names) << ",\n  \"final_state\": ";
  const Vector last = result.states.rows() > 0 ? Vector(result.states.row(result.states.rows() - 1).transpose())
                                               : Vector();
  out << vector_json(last) << ",\n  \"element_balance\": {\"elements\": " << names_json(result.balance.elements)
      << ", \"initial\": " << vector_json(result.balance.initial) << ", \"final\": "
      << vector_json(result.balance.final) << ", \"inflow\": " << vector_json(result.balance.inflow)
      << ", \"outflow\": " << vector_json(result.balance.outflow) << ", \"closure\": "
      << json_number(result.balance.closure()) << "},\n";
  const auto& stats = result.statistics;
  out << "  \"statistics\": {\"method\": " << json_string(stats.method) << ", \"steps\": " << stats.steps
      << ", \"residual_evaluations\": " << stats.residual_evaluations
      << ", \"jacobian_evaluations\": " << stats.jacobian_evaluations << ", \"linear_setups\": " << stats.linear_setups
      << ", \"nonlinear_iterations\": " << stats.nonlinear_iterations
      << ", \"nonlinear_failures\": " << stats.nonlinear_failures
      << ", \"error_test_failures\": " << stats.error_test_failures << "}\n}\n";
  return out.str();
}

void write_file_atomically(const std::string& path, const std::string& content) {
  const std::filesystem::path target(path);
  std::string temporary_name = ".";
  temporary_name.append(target.filename().string()).append(".tmp").append(std::to_string(::getpid()));
  const std::filesystem::path temporary = target.parent_path() / temporary_name;
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    if (!file) {
      throw Error("cannot write `" + temporary.string() + "`");
    }
    file << content;
    file.close();
    if (!file) {
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      throw Error("failed while writing `" + temporary.string() + "`");
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, target, error);
  if (error) {
    std::filesystem::remove(temporary, error);
    throw Error("cannot move the results into `" + target.string() + "`");
  }
}

}  // namespace hydromet
