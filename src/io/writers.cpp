// Text, CSV and JSON writers.
#include "hydromet/io/writers.hpp"

#include <unistd.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <sstream>

#include "hydromet/core/error.hpp"

namespace hydromet {
namespace {

/// Dimensionless outputs that are fractions of something (shown in %), unlike D, pH or S.
bool is_fraction_output(const std::string& name) {
  const auto dot = name.rfind('.');
  const std::string_view leaf =
      dot == std::string::npos ? std::string_view(name) : std::string_view(name).substr(dot + 1);
  for (const std::string_view prefix :
       {"conversion", "extraction", "yield", "cake_moisture", "fraction", "core_fraction", "recovery"}) {
    if (leaf.substr(0, prefix.size()) == prefix) {
      return true;
    }
  }
  return false;
}

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

std::string streams_json(const std::vector<StreamRecord>& streams, const ComponentNames& names);
std::string kpis_json(const std::vector<Kpi>& kpis);

// The shortest decimal that reads back as the same double (std::to_chars): exact, and several times
// faster than a stream at max_digits10, which the writers' tens of thousands of numbers made the bulk of
// a CLI run.
void append_number(std::string& text, double value) {
  std::array<char, 32> buffer{};
  const auto [end, error] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  (void)error;  // 32 characters hold any double
  text.append(buffer.data(), end);
}

// JSON has no NaN or infinity: null.
void append_json_number(std::string& text, double value) {
  if (std::isfinite(value)) {
    append_number(text, value);
  } else {
    text += "null";
  }
}

std::string json_number(double value) {
  std::string text;
  append_json_number(text, value);
  return text;
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
  out << "  " << std::left << std::setw(static_cast<int>(label_width)) << ("time [" + time_label + "]")
      << std::right;
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
  out << "  " << std::left << std::setw(8) << "element" << std::right << std::setw(16) << "initial"
      << std::setw(16) << "final" << std::setw(14) << "closure" << '\n';
  for (std::size_t e = 0; e < result.balance.elements.size(); ++e) {
    const auto i = static_cast<Eigen::Index>(e);
    const double reference = std::max(std::abs(result.balance.initial[i]), std::abs(result.balance.final[i]));
    const double closure = reference > 0.0 ? (result.balance.final[i] - result.balance.initial[i] -
                                              result.balance.inflow[i] + result.balance.outflow[i]) /
                                                 reference
                                           : 0.0;
    out << "  " << std::left << std::setw(8) << result.balance.elements[e] << std::right << std::setw(16)
        << std::setprecision(8) << result.balance.initial[i] << std::setw(16) << result.balance.final[i]
        << std::setw(14) << std::setprecision(2) << closure << '\n';
  }
  if (!result.final.streams.empty() || !result.final.kpis.empty()) {
    out << '\n' << format_stream_table(result.final.streams, result.components);
    out << '\n' << format_snapshot(result.final, result.components);
  }
  const auto& stats = result.statistics;
  out << "\nSolver: " << stats.method << ", " << stats.steps << " steps, " << stats.residual_evaluations
      << " residual evaluations, " << stats.jacobian_evaluations << " Jacobians, "
      << stats.nonlinear_iterations << " Newton iterations, " << stats.nonlinear_failures
      << " convergence failures, " << stats.error_test_failures << " error-test failures, " << stats.events
      << " restarts at events\n";
  return out.str();
}

std::string format_stream_table(const std::vector<StreamRecord>& streams, const ComponentNames& names) {
  std::ostringstream out;
  if (streams.empty()) {
    return out.str();
  }
  constexpr int width = 14;
  std::size_t label_width = 22;
  out << "Stream table\n";
  for (std::size_t first = 0; first < streams.size(); first += 6) {
    const std::size_t last = std::min(streams.size(), first + 6);
    auto row = [&](const std::string& label, auto value) {
      out << "  " << std::left << std::setw(static_cast<int>(label_width)) << label << std::right;
      for (std::size_t s = first; s < last; ++s) {
        out << std::setw(width) << std::setprecision(5) << value(streams[s].stream);
      }
      out << '\n';
    };
    out << "  " << std::left << std::setw(static_cast<int>(label_width)) << "stream" << std::right;
    for (std::size_t s = first; s < last; ++s) {
      std::string label = streams[s].from;
      if (label.size() > width - 1) {
        label = label.substr(0, width - 2) + "~";
      }
      out << std::setw(width) << label;
    }
    out << '\n';
    row("temperature [degC]", [](const Stream& st) { return st.temperature - 273.15; });
    row("aqueous flow [m3/h]", [](const Stream& st) { return st.aqueous_flow * 3600.0; });
    for (std::size_t i = 0; i < names.aqueous.size(); ++i) {
      row(names.aqueous[i] + " [mol/L]",
          [i](const Stream& st) { return 1e-3 * st.concentration(static_cast<Eigen::Index>(i)); });
    }
    if (!names.organic.empty()) {
      row("organic flow [m3/h]", [](const Stream& st) { return st.organic_flow * 3600.0; });
      for (std::size_t i = 0; i < names.organic.size(); ++i) {
        row(names.organic[i] + " (org) [mol/L]",
            [i](const Stream& st) { return 1e-3 * st.organic_concentration(static_cast<Eigen::Index>(i)); });
      }
    }
    for (std::size_t i = 0; i < names.solids.size(); ++i) {
      const double molar_mass = names.solid_molar_masses[static_cast<Eigen::Index>(i)];
      row(names.solids[i] + " [kg/h]", [i, molar_mass](const Stream& st) {
        return 3600.0 * molar_mass * st.solid_moles.row(static_cast<Eigen::Index>(i)).sum();
      });
    }
    out << '\n';
  }
  out << "  streams:";
  for (const auto& record : streams) {
    out << "\n    " << record.name;
  }
  out << '\n';
  return out.str();
}

std::string format_snapshot(const Snapshot& snapshot, const ComponentNames& names) {
  std::ostringstream out;
  if (!snapshot.unit_balances.empty()) {
    out << "Unit element balances (worst closure over elements)\n";
    for (const auto& balance : snapshot.unit_balances) {
      out << "  " << std::left << std::setw(24) << balance.unit << std::right << std::setw(12)
          << std::setprecision(2) << balance.closure() << '\n';
    }
  }
  if (!snapshot.kpis.empty()) {
    out << "\nKPIs\n";
    for (const auto& kpi : snapshot.kpis) {
      const bool fraction = kpi.unit == "-";
      out << "  " << std::left << std::setw(40) << kpi.name << std::right << std::setw(14)
          << std::setprecision(6) << (fraction ? 100.0 * kpi.value : kpi.value) << ' '
          << (fraction ? "%" : kpi.unit) << '\n';
    }
  }
  (void)names;
  return out.str();
}

std::string format_steady_table(const Flowsheet& flowsheet, const SteadyStateResult& result) {
  std::ostringstream out;
  out << (flowsheet.name.empty() ? std::string("flowsheet") : flowsheet.name) << " - steady state\n";
  if (!flowsheet.source_file.empty()) {
    out << "  file: " << flowsheet.source_file << '\n';
  }
  out << "  converged by " << result.statistics.method << ", max |f| = " << std::setprecision(3)
      << result.statistics.residual_norm << ", " << result.statistics.nonlinear_iterations
      << " Newton iterations, " << result.statistics.steps << " pseudo-transient steps, "
      << result.statistics.residual_evaluations << " residual evaluations\n\n";
  if (!result.output_names.empty()) {
    out << "Outputs\n";
    for (std::size_t j = 0; j < result.output_names.size(); ++j) {
      const double value = result.outputs[static_cast<Eigen::Index>(j)];
      const auto& unit = result.output_units[j];
      const bool percent = unit == "-" && is_fraction_output(result.output_names[j]);
      out << "  " << std::left << std::setw(48) << result.output_names[j] << std::right << std::setw(14)
          << std::setprecision(6) << (percent ? 100.0 * value : value) << ' ' << (percent ? "%" : unit)
          << '\n';
    }
    out << '\n';
  }
  out << format_stream_table(result.snapshot.streams, result.components) << '\n';
  out << "Plant element balance [mol/s]\n";
  out << "  " << std::left << std::setw(8) << "element" << std::right << std::setw(16) << "in"
      << std::setw(16) << "out" << std::setw(14) << "closure" << '\n';
  for (std::size_t e = 0; e < result.balance.elements.size(); ++e) {
    const auto i = static_cast<Eigen::Index>(e);
    const double reference =
        std::max(std::abs(result.balance.inflow[i]), std::abs(result.balance.outflow[i]));
    out << "  " << std::left << std::setw(8) << result.balance.elements[e] << std::right << std::setw(16)
        << std::setprecision(8) << result.balance.inflow[i] << std::setw(16) << result.balance.outflow[i]
        << std::setw(14) << std::setprecision(2)
        << (reference > 0.0 ? (result.balance.inflow[i] - result.balance.outflow[i]) / reference : 0.0)
        << '\n';
  }
  out << '\n' << format_snapshot(result.snapshot, result.components);
  return out.str();
}

std::string format_csv(const SimulationResult& result) {
  std::ostringstream out;
  out << "time [s]";
  for (std::size_t j = 0; j < result.output_names.size(); ++j) {
    out << ',' << csv_field(result.output_names[j] + " [" + result.output_units[j] + "]");
  }
  out << '\n';
  std::string row;
  for (std::size_t k = 0; k < result.times.size(); ++k) {
    row.clear();
    append_number(row, result.times[k]);
    for (Eigen::Index j = 0; j < result.outputs.cols(); ++j) {
      row += ',';
      append_number(row, result.outputs(static_cast<Eigen::Index>(k), j));
    }
    out << row << '\n';
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
      append_json_number(text, values[i]);
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
  out << "{\n  \"name\": " << json_string(flowsheet.name)
      << ",\n  \"file\": " << json_string(flowsheet.source_file)
      << ",\n  \"times\": " << vector_json(result.times) << ",\n  \"outputs\": {";
  for (std::size_t j = 0; j < result.output_names.size(); ++j) {
    const Vector column = result.outputs.col(static_cast<Eigen::Index>(j));
    out << (j ? "," : "") << "\n    " << json_string(result.output_names[j])
        << ": {\"unit\": " << json_string(result.output_units[j]) << ", \"values\": " << vector_json(column)
        << "}";
  }
  out << "\n  },\n  \"state_names\": " << names_json(result.state_names) << ",\n  \"final_state\": ";
  const Vector last =
      result.states.rows() > 0 ? Vector(result.states.row(result.states.rows() - 1).transpose()) : Vector();
  out << vector_json(last)
      << ",\n  \"element_balance\": {\"elements\": " << names_json(result.balance.elements)
      << ", \"initial\": " << vector_json(result.balance.initial)
      << ", \"final\": " << vector_json(result.balance.final)
      << ", \"inflow\": " << vector_json(result.balance.inflow)
      << ", \"outflow\": " << vector_json(result.balance.outflow)
      << ", \"closure\": " << json_number(result.balance.closure()) << "},\n";
  out << "  \"final_streams\": " << streams_json(result.final.streams, result.components) << ",\n";
  out << "  \"kpis\": " << kpis_json(result.final.kpis) << ",\n";
  const auto& stats = result.statistics;
  out << "  \"statistics\": {\"method\": " << json_string(stats.method) << ", \"steps\": " << stats.steps
      << ", \"residual_evaluations\": " << stats.residual_evaluations
      << ", \"jacobian_evaluations\": " << stats.jacobian_evaluations
      << ", \"linear_setups\": " << stats.linear_setups
      << ", \"nonlinear_iterations\": " << stats.nonlinear_iterations
      << ", \"nonlinear_failures\": " << stats.nonlinear_failures
      << ", \"error_test_failures\": " << stats.error_test_failures << "}\n}\n";
  return out.str();
}

namespace {

std::string streams_json(const std::vector<StreamRecord>& streams, const ComponentNames& names) {
  std::ostringstream out;
  out << '[';
  for (std::size_t s = 0; s < streams.size(); ++s) {
    const auto& stream = streams[s].stream;
    out << (s ? "," : "") << "\n    {\"name\": " << json_string(streams[s].name)
        << ", \"from\": " << json_string(streams[s].from) << ", \"to\": " << json_string(streams[s].to)
        << ", \"temperature_K\": " << json_number(stream.temperature)
        << ", \"aqueous_flow_m3_per_s\": " << json_number(stream.aqueous_flow)
        << ", \"aqueous_mol_per_s\": {";
    for (std::size_t i = 0; i < names.aqueous.size(); ++i) {
      out << (i ? ", " : "") << json_string(names.aqueous[i]) << ": "
          << json_number(stream.aqueous_moles[static_cast<Eigen::Index>(i)]);
    }
    out << "}, \"organic_flow_m3_per_s\": " << json_number(stream.organic_flow)
        << ", \"organic_mol_per_s\": {";
    for (std::size_t i = 0; i < names.organic.size(); ++i) {
      out << (i ? ", " : "") << json_string(names.organic[i]) << ": "
          << json_number(stream.organic_moles[static_cast<Eigen::Index>(i)]);
    }
    out << "}, \"solids_mol_per_s\": {";
    for (std::size_t i = 0; i < names.solids.size(); ++i) {
      out << (i ? ", " : "") << json_string(names.solids[i]) << ": "
          << json_number(stream.solid_moles.row(static_cast<Eigen::Index>(i)).sum());
    }
    out << "}}";
  }
  out << "\n  ]";
  return out.str();
}

std::string kpis_json(const std::vector<Kpi>& kpis) {
  std::ostringstream out;
  out << '{';
  for (std::size_t k = 0; k < kpis.size(); ++k) {
    out << (k ? ", " : "") << json_string(kpis[k].name) << ": {\"value\": " << json_number(kpis[k].value)
        << ", \"unit\": " << json_string(kpis[k].unit) << "}";
  }
  out << '}';
  return out.str();
}

}  // namespace

std::string format_steady_json(const Flowsheet& flowsheet, const SteadyStateResult& result) {
  std::ostringstream out;
  out << "{\n  \"name\": " << json_string(flowsheet.name)
      << ",\n  \"file\": " << json_string(flowsheet.source_file)
      << ",\n  \"converged\": " << (result.converged ? "true" : "false")
      << ",\n  \"method\": " << json_string(result.statistics.method)
      << ",\n  \"residual_norm\": " << json_number(result.statistics.residual_norm) << ",\n  \"outputs\": {";
  for (std::size_t j = 0; j < result.output_names.size(); ++j) {
    out << (j ? "," : "") << "\n    " << json_string(result.output_names[j])
        << ": {\"unit\": " << json_string(result.output_units[j])
        << ", \"value\": " << json_number(result.outputs[static_cast<Eigen::Index>(j)]) << "}";
  }
  out << "\n  },\n  \"streams\": " << streams_json(result.snapshot.streams, result.components)
      << ",\n  \"kpis\": " << kpis_json(result.snapshot.kpis) << ",\n  \"element_balance\": {\"elements\": [";
  for (std::size_t e = 0; e < result.balance.elements.size(); ++e) {
    out << (e ? "," : "") << json_string(result.balance.elements[e]);
  }
  out << "], \"inflow_mol_per_s\": [";
  for (Eigen::Index e = 0; e < result.balance.inflow.size(); ++e) {
    out << (e ? "," : "") << json_number(result.balance.inflow[e]);
  }
  out << "], \"outflow_mol_per_s\": [";
  for (Eigen::Index e = 0; e < result.balance.outflow.size(); ++e) {
    out << (e ? "," : "") << json_number(result.balance.outflow[e]);
  }
  out << "], \"closure\": " << json_number(result.balance.closure())
      << "},\n  \"statistics\": {\"iterations\": " << result.statistics.nonlinear_iterations
      << ", \"pseudo_steps\": " << result.statistics.steps
      << ", \"residual_evaluations\": " << result.statistics.residual_evaluations
      << ", \"jacobian_evaluations\": " << result.statistics.jacobian_evaluations << "}\n}\n";
  return out.str();
}

std::string format_stream_csv(const std::vector<StreamRecord>& streams, const ComponentNames& names) {
  std::ostringstream out;
  out << "stream,from,to,temperature [K],aqueous flow [m3/s]";
  for (const auto& name : names.aqueous) {
    out << ',' << csv_field(name + " [mol/m3]");
  }
  out << ",organic flow [m3/s]";
  for (const auto& name : names.organic) {
    out << ',' << csv_field(name + " (org) [mol/m3]");
  }
  for (const auto& name : names.solids) {
    out << ',' << csv_field(name + " [kg/s]");
  }
  out << '\n' << std::setprecision(std::numeric_limits<double>::max_digits10);
  for (const auto& record : streams) {
    const auto& stream = record.stream;
    out << csv_field(record.name) << ',' << csv_field(record.from) << ',' << csv_field(record.to) << ','
        << stream.temperature << ',' << stream.aqueous_flow;
    for (std::size_t i = 0; i < names.aqueous.size(); ++i) {
      out << ',' << stream.concentration(static_cast<Eigen::Index>(i));
    }
    out << ',' << stream.organic_flow;
    for (std::size_t i = 0; i < names.organic.size(); ++i) {
      out << ',' << stream.organic_concentration(static_cast<Eigen::Index>(i));
    }
    for (std::size_t i = 0; i < names.solids.size(); ++i) {
      out << ','
          << names.solid_molar_masses[static_cast<Eigen::Index>(i)] *
                 stream.solid_moles.row(static_cast<Eigen::Index>(i)).sum();
    }
    out << '\n';
  }
  return out.str();
}

std::string format_dot(const Flowsheet& flowsheet) {
  auto quoted = [](const std::string& text) {
    std::string result = "\"";
    for (const char c : text) {
      if (c == '\n') {
        result += "\\n";
        continue;
      }
      if (c == '"' || c == '\\') {
        result += '\\';
      }
      result += c;
    }
    return result + "\"";
  };
  std::ostringstream out;
  out << "digraph flowsheet {\n  rankdir=LR;\n  label=" << quoted(flowsheet.name) << ";\n"
      << "  node [fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=9];\n";
  for (std::size_t u = 0; u < flowsheet.unit_count(); ++u) {
    const auto& unit = flowsheet.unit(u);
    std::string shape = "ellipse";
    if (unit.boundary() == Boundary::source) {
      shape = "invhouse";
    } else if (unit.boundary() == Boundary::sink) {
      shape = "house";
    } else if (unit.state_size() > 0) {
      shape = "box";
    }
    out << "  " << quoted(unit.name()) << " [shape=" << shape
        << ", label=" << quoted(unit.name() + "\n" + std::string(unit.type())) << "];\n";
  }
  for (const auto& connection : flowsheet.connections()) {
    out << "  " << quoted(connection.from.unit) << " -> " << quoted(connection.to.unit)
        << " [taillabel=" << quoted(connection.from.port) << ", headlabel=" << quoted(connection.to.port)
        << "];\n";
  }
  out << "}\n";
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
