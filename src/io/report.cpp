// HTML reports with inline SVG: layered flowsheet diagram, line plots, stream table, balances, KPIs.
#include "hydromet/io/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <numeric>
#include <sstream>

#include "hydromet/core/version.hpp"

namespace hydromet {
namespace {

std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Six significant digits: what the tables show (and what tests read back).
std::string number(double value) {
  if (!std::isfinite(value)) {
    return "NaN";
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

std::string coordinate(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", value);
  return buffer;
}

// ---- layout
// -------------------------------------------------------------------------------------------------

struct Graph {
  std::size_t size = 0;
  std::vector<std::pair<std::size_t, std::size_t>> edges;  // unit index -> unit index
  std::vector<bool> recycle;                               // edge closes a cycle (set aside for layering)
};

Graph graph_of(const Flowsheet& flowsheet) {
  Graph graph;
  graph.size = flowsheet.unit_count();
  std::map<std::string, std::size_t> index;
  for (std::size_t u = 0; u < graph.size; ++u) {
    index[flowsheet.unit(u).name()] = u;
  }
  for (const auto& connection : flowsheet.connections()) {
    const auto from = index.find(connection.from.unit);
    const auto to = index.find(connection.to.unit);
    if (from != index.end() && to != index.end()) {
      graph.edges.emplace_back(from->second, to->second);
    }
  }
  // Depth-first search from units without inlets (then from any unvisited unit): an edge into a unit still
  // on the stack closes a cycle.
  graph.recycle.assign(graph.edges.size(), false);
  std::vector<std::vector<std::size_t>> out_edges(graph.size);
  std::vector<std::size_t> in_degree(graph.size, 0);
  for (std::size_t e = 0; e < graph.edges.size(); ++e) {
    out_edges[graph.edges[e].first].push_back(e);
    ++in_degree[graph.edges[e].second];
  }
  enum class Mark { unvisited, active, done };
  std::vector<Mark> mark(graph.size, Mark::unvisited);
  std::function<void(std::size_t)> visit = [&](std::size_t u) {
    mark[u] = Mark::active;
    for (const auto e : out_edges[u]) {
      const auto v = graph.edges[e].second;
      if (mark[v] == Mark::active) {
        graph.recycle[e] = true;
      } else if (mark[v] == Mark::unvisited) {
        visit(v);
      }
    }
    mark[u] = Mark::done;
  };
  for (std::size_t u = 0; u < graph.size; ++u) {
    if (in_degree[u] == 0 && mark[u] == Mark::unvisited) {
      visit(u);
    }
  }
  for (std::size_t u = 0; u < graph.size; ++u) {
    if (mark[u] == Mark::unvisited) {
      visit(u);
    }
  }
  return graph;
}

struct Layout {
  std::vector<DiagramPlacement> units;               // one per unit
  std::vector<std::vector<DiagramPlacement>> bends;  // per edge: slots it passes through in inner layers
};

Layout layout(const Graph& graph) {
  const std::size_t n = graph.size;
  // Longest path from the sources over the acyclic edges (Bellman-style relaxation, n passes at most).
  std::vector<std::size_t> layer(n, 0);
  for (std::size_t pass = 0; pass < n; ++pass) {
    bool changed = false;
    for (std::size_t e = 0; e < graph.edges.size(); ++e) {
      const auto [from, to] = graph.edges[e];
      if (!graph.recycle[e] && from != to && layer[to] < layer[from] + 1) {
        layer[to] = layer[from] + 1;
        changed = true;
      }
    }
    if (!changed) {
      break;
    }
  }
  // Sources move right to just before their first consumer, so that a late feed does not span the sheet.
  std::vector<bool> fed(n, false);
  for (std::size_t e = 0; e < graph.edges.size(); ++e) {
    if (!graph.recycle[e]) {
      fed[graph.edges[e].second] = true;
    }
  }
  for (std::size_t u = 0; u < n; ++u) {
    std::size_t first = 0;
    bool any = false;
    for (std::size_t e = 0; e < graph.edges.size(); ++e) {
      const auto [from, to] = graph.edges[e];
      if (from == u && to != u && !graph.recycle[e]) {
        first = any ? std::min(first, layer[to]) : layer[to];
        any = true;
      }
    }
    if (!fed[u] && any && first > 0) {
      layer[u] = first - 1;
    }
  }
  // Long forward edges pass through placeholder slots in every inner layer (Sugiyama's dummy vertices).
  std::vector<std::size_t> node_layer = layer;
  std::vector<std::pair<std::size_t, std::size_t>> segments;
  std::vector<std::vector<std::size_t>> dummies(graph.edges.size());
  for (std::size_t e = 0; e < graph.edges.size(); ++e) {
    const auto [from, to] = graph.edges[e];
    if (graph.recycle[e] || layer[to] <= layer[from]) {
      continue;
    }
    std::size_t previous = from;
    for (std::size_t l = layer[from] + 1; l < layer[to]; ++l) {
      dummies[e].push_back(node_layer.size());
      node_layer.push_back(l);
      segments.emplace_back(previous, node_layer.size() - 1);
      previous = node_layer.size() - 1;
    }
    segments.emplace_back(previous, to);
  }
  const std::size_t nodes = node_layer.size();
  const std::size_t layers = nodes == 0 ? 0 : *std::max_element(node_layer.begin(), node_layer.end()) + 1;
  std::vector<std::vector<std::size_t>> rows(layers);
  for (std::size_t u = 0; u < nodes; ++u) {
    rows[node_layer[u]].push_back(u);
  }
  std::vector<std::vector<std::size_t>> predecessors(nodes);
  std::vector<std::vector<std::size_t>> successors(nodes);
  for (const auto& [from, to] : segments) {
    successors[from].push_back(to);
    predecessors[to].push_back(from);
  }
  std::vector<double> position(nodes, 0.0);
  auto renumber = [&]() {
    for (const auto& row : rows) {
      for (std::size_t r = 0; r < row.size(); ++r) {
        position[row[r]] = static_cast<double>(r);
      }
    }
  };
  renumber();
  // Barycentre sweeps: down (order by the mean row of predecessors), then up (successors).
  for (int sweep = 0; sweep < 6; ++sweep) {
    const bool down = sweep % 2 == 0;
    for (std::size_t step = 1; step < layers; ++step) {
      const std::size_t l = down ? step : layers - 1 - step;
      std::vector<double> centre(nodes, 0.0);
      for (const auto u : rows[l]) {
        const auto& neighbours = down ? predecessors[u] : successors[u];
        double sum = 0.0;
        for (const auto v : neighbours) {
          sum += position[v];
        }
        centre[u] = neighbours.empty() ? position[u] : sum / static_cast<double>(neighbours.size());
      }
      std::stable_sort(rows[l].begin(), rows[l].end(),
                       [&](std::size_t a, std::size_t b) { return centre[a] < centre[b]; });
      renumber();
    }
  }
  Layout result;
  result.units.resize(n);
  for (std::size_t u = 0; u < n; ++u) {
    result.units[u] = {node_layer[u], static_cast<std::size_t>(position[u])};
  }
  result.bends.resize(graph.edges.size());
  for (std::size_t e = 0; e < graph.edges.size(); ++e) {
    for (const auto d : dummies[e]) {
      result.bends[e].push_back({node_layer[d], static_cast<std::size_t>(position[d])});
    }
  }
  return result;
}

// ---- SVG line plots
// -----------------------------------------------------------------------------------------

const char* const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
                               "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939"};

// About five round tick values covering [low, high].
std::vector<double> ticks(double low, double high) {
  if (!(high > low)) {
    return {low};
  }
  const double raw = (high - low) / 5.0;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (const double factor : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (factor * magnitude >= raw) {
      step = factor * magnitude;
      break;
    }
  }
  std::vector<double> values;
  for (double v = std::ceil(low / step - 1e-9) * step; v <= high + 1e-9 * step; v += step) {
    values.push_back(std::abs(v) < 1e-12 * step ? 0.0 : v);
  }
  return values;
}

struct Series {
  std::string name;
  std::vector<double> y;
};

std::string line_plot(const std::string& title, const std::string& x_label, const std::vector<double>& x,
                      const std::string& y_label, const std::vector<Series>& series) {
  constexpr double width = 720.0;
  constexpr double height = 300.0;
  constexpr double left = 70.0;
  constexpr double right = 250.0;
  constexpr double top = 30.0;
  constexpr double bottom = 45.0;
  const double plot_width = width - left - right;
  const double plot_height = height - top - bottom;
  double x_min = x.empty() ? 0.0 : x.front();
  double x_max = x.empty() ? 1.0 : x.back();
  double y_min = HUGE_VAL;
  double y_max = -HUGE_VAL;
  for (const auto& s : series) {
    for (const double v : s.y) {
      if (std::isfinite(v)) {
        y_min = std::min(y_min, v);
        y_max = std::max(y_max, v);
      }
    }
  }
  if (!(y_max >= y_min)) {
    y_min = 0.0;
    y_max = 1.0;
  }
  if (y_max - y_min <= 1e-12 * std::max(std::abs(y_max), 1e-300)) {
    const double pad = y_max == 0.0 ? 1.0 : 0.05 * std::abs(y_max);
    y_min -= pad;
    y_max += pad;
  }
  if (!(x_max > x_min)) {
    x_max = x_min + 1.0;
  }
  const auto y_ticks = ticks(y_min, y_max);
  y_min = std::min(y_min, y_ticks.front());
  y_max = std::max(y_max, y_ticks.back());
  auto sx = [&](double v) { return left + (v - x_min) / (x_max - x_min) * plot_width; };
  auto sy = [&](double v) { return top + (y_max - v) / (y_max - y_min) * plot_height; };

  std::ostringstream svg;
  svg << "<svg class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\""
      << height << "\" viewBox=\"0 0 " << width << ' ' << height << "\" role=\"img\" aria-label=\""
      << escape(title) << "\">\n<text x=\"" << left << "\" y=\"18\" class=\"title\">" << escape(title)
      << "</text>\n";
  svg << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << plot_width << "\" height=\""
      << plot_height << "\" fill=\"none\" stroke=\"#444\"/>\n";
  for (const double t : ticks(x_min, x_max)) {
    svg << "<line x1=\"" << coordinate(sx(t)) << "\" x2=\"" << coordinate(sx(t)) << "\" y1=\"" << top
        << "\" y2=\"" << top + plot_height << "\" class=\"grid\"/><text x=\"" << coordinate(sx(t))
        << "\" y=\"" << top + plot_height + 16 << "\" text-anchor=\"middle\">" << number(t) << "</text>\n";
  }
  for (const double t : y_ticks) {
    svg << "<line x1=\"" << left << "\" x2=\"" << left + plot_width << "\" y1=\"" << coordinate(sy(t))
        << "\" y2=\"" << coordinate(sy(t)) << "\" class=\"grid\"/><text x=\"" << left - 6 << "\" y=\""
        << coordinate(sy(t) + 4) << "\" text-anchor=\"end\">" << number(t) << "</text>\n";
  }
  svg << "<text x=\"" << left + plot_width / 2 << "\" y=\"" << height - 8 << "\" text-anchor=\"middle\">"
      << escape(x_label) << "</text>\n<text transform=\"translate(16 " << top + plot_height / 2
      << ") rotate(-90)\" text-anchor=\"middle\">" << escape(y_label) << "</text>\n";
  for (std::size_t k = 0; k < series.size(); ++k) {
    const char* colour = palette[k % std::size(palette)];
    svg << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"1.6\" data-series=\""
        << escape(series[k].name) << "\" points=\"";
    for (std::size_t i = 0; i < x.size() && i < series[k].y.size(); ++i) {
      if (std::isfinite(series[k].y[i])) {
        svg << (i ? " " : "") << coordinate(sx(x[i])) << ',' << coordinate(sy(series[k].y[i]));
      }
    }
    const double legend_y = top + 8.0 + 16.0 * static_cast<double>(k);
    svg << "\"/>\n<line x1=\"" << left + plot_width + 12 << "\" x2=\"" << left + plot_width + 32 << "\" y1=\""
        << legend_y << "\" y2=\"" << legend_y << "\" stroke=\"" << colour
        << "\" stroke-width=\"2\"/><text x=\"" << left + plot_width + 36 << "\" y=\"" << legend_y + 4 << "\">"
        << escape(series[k].name) << "</text>\n";
  }
  svg << "</svg>\n";
  return svg.str();
}

// ---- tables
// -------------------------------------------------------------------------------------------------

std::string stream_table_html(const std::vector<StreamRecord>& streams, const ComponentNames& names) {
  if (streams.empty()) {
    return "<p>No streams: the flowsheet has no connections.</p>\n";
  }
  std::ostringstream html;
  html << "<div class=\"scroll\"><table "
          "id=\"stream-table\">\n<thead><tr><th>stream</th><th>from</th><th>to</th>"
          "<th>temperature [degC]</th><th>aqueous flow [m3/h]</th>";
  for (const auto& name : names.aqueous) {
    html << "<th>" << escape(name) << " [mol/L]</th>";
  }
  if (!names.organic.empty()) {
    html << "<th>organic flow [m3/h]</th>";
    for (const auto& name : names.organic) {
      html << "<th>" << escape(name) << " (org) [mol/L]</th>";
    }
  }
  for (const auto& name : names.solids) {
    html << "<th>" << escape(name) << " [kg/h]</th>";
  }
  html << "</tr></thead>\n<tbody>\n";
  for (const auto& record : streams) {
    const Stream& s = record.stream;
    html << "<tr><th>" << escape(record.name) << "</th><td>" << escape(record.from) << "</td><td>"
         << escape(record.to) << "</td><td>" << number(s.temperature - 273.15) << "</td><td>"
         << number(3600.0 * s.aqueous_flow) << "</td>";
    for (std::size_t i = 0; i < names.aqueous.size(); ++i) {
      html << "<td>" << number(1e-3 * s.concentration(static_cast<Eigen::Index>(i))) << "</td>";
    }
    if (!names.organic.empty()) {
      html << "<td>" << number(3600.0 * s.organic_flow) << "</td>";
      for (std::size_t i = 0; i < names.organic.size(); ++i) {
        html << "<td>" << number(1e-3 * s.organic_concentration(static_cast<Eigen::Index>(i))) << "</td>";
      }
    }
    const Vector solids = s.solid_totals();
    for (std::size_t i = 0; i < names.solids.size(); ++i) {
      const auto k = static_cast<Eigen::Index>(i);
      html << "<td>" << number(3600.0 * names.solid_molar_masses[k] * (k < solids.size() ? solids[k] : 0.0))
           << "</td>";
    }
    html << "</tr>\n";
  }
  html << "</tbody></table></div>\n";
  return html.str();
}

std::string unit_balances_html(const std::vector<UnitBalance>& balances,
                               const std::vector<std::string>& elements) {
  if (balances.empty()) {
    return "<p>No unit balances are reported for this run.</p>\n";
  }
  std::ostringstream html;
  html << "<table id=\"unit-balances\">\n<thead><tr><th>unit</th><th>element</th><th>in [mol/s]</th>"
          "<th>out [mol/s]</th><th>accumulation [mol/s]</th><th>in &minus; out &minus; accumulation "
          "[mol/s]</th>"
          "</tr></thead>\n<tbody>\n";
  for (const auto& balance : balances) {
    for (std::size_t e = 0; e < elements.size(); ++e) {
      const auto k = static_cast<Eigen::Index>(e);
      if (k >= balance.in.size()) {
        break;
      }
      if (balance.in[k] == 0.0 && balance.out[k] == 0.0 && balance.accumulation[k] == 0.0) {
        continue;
      }
      html << "<tr><th>" << escape(balance.unit) << "</th><td>" << escape(elements[e]) << "</td><td>"
           << number(balance.in[k]) << "</td><td>" << number(balance.out[k]) << "</td><td>"
           << number(balance.accumulation[k]) << "</td><td>"
           << number(balance.in[k] - balance.out[k] - balance.accumulation[k]) << "</td></tr>\n";
    }
  }
  html << "</tbody></table>\n";
  return html.str();
}

std::string plant_balance_html(const ElementBalance& balance, const std::string& amount) {
  std::ostringstream html;
  html << "<table id=\"plant-balance\">\n<thead><tr><th>element</th><th>initial [" << amount
       << "]</th><th>final [" << amount << "]</th><th>in [" << amount << "]</th><th>out [" << amount
       << "]</th><th>closure [-]</th></tr></thead>\n<tbody>\n";
  for (std::size_t e = 0; e < balance.elements.size(); ++e) {
    const auto k = static_cast<Eigen::Index>(e);
    const double reference = std::max({std::abs(balance.initial[k]), std::abs(balance.final[k]),
                                       std::abs(balance.inflow[k]), std::abs(balance.outflow[k])});
    const double residual = balance.final[k] - balance.initial[k] - balance.inflow[k] + balance.outflow[k];
    html << "<tr><th>" << escape(balance.elements[e]) << "</th><td>" << number(balance.initial[k])
         << "</td><td>" << number(balance.final[k]) << "</td><td>" << number(balance.inflow[k]) << "</td><td>"
         << number(balance.outflow[k]) << "</td><td>" << number(reference > 0.0 ? residual / reference : 0.0)
         << "</td></tr>\n";
  }
  html << "</tbody></table>\n";
  return html.str();
}

std::string kpis_html(const std::vector<Kpi>& kpis) {
  if (kpis.empty()) {
    return "<p>The flowsheet declares no KPIs.</p>\n";
  }
  std::ostringstream html;
  html << "<table id=\"kpis\">\n<thead><tr><th>KPI</th><th>value</th><th>unit</th></tr></thead>\n<tbody>\n";
  for (const auto& kpi : kpis) {
    html << "<tr><th>" << escape(kpi.name) << "</th><td>" << number(kpi.value) << "</td><td>"
         << escape(kpi.unit) << "</td></tr>\n";
  }
  html << "</tbody></table>\n";
  return html.str();
}

std::string statistics_html(const SolverStatistics& s) {
  std::ostringstream html;
  html << "<p id=\"statistics\">" << escape(s.method) << ": " << s.steps << " steps, "
       << s.residual_evaluations << " residual evaluations, " << s.jacobian_evaluations << " Jacobians, "
       << s.nonlinear_iterations << " Newton iterations, " << s.nonlinear_failures
       << " convergence failures, " << s.error_test_failures << " error-test failures, " << s.events
       << " restarts at events";
  if (s.residual_norm > 0.0) {
    html << ", max |f| = " << number(s.residual_norm);
  }
  html << ".</p>\n";
  return html.str();
}

std::string page_start(const Flowsheet& flowsheet, const std::string& kind) {
  const std::string title =
      (flowsheet.name.empty() ? std::string("flowsheet") : flowsheet.name) + " — " + kind;
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" << escape(title)
       << "</title>\n<style>\n"
          "body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}\n"
          "table{border-collapse:collapse;margin:0.5em 0 1.5em;font-size:13px}\n"
          "th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}\n"
          "thead th{background:#f0f0f0;position:sticky;top:0}\ntbody th{text-align:left}\n"
          ".scroll{overflow-x:auto}\nsvg text{font-size:11px;font-family:system-ui,sans-serif}\n"
          "svg .title{font-size:13px;font-weight:bold}\nsvg .grid{stroke:#e4e4e4}\n"
          "</style>\n</head>\n<body>\n<h1>"
       << escape(title) << "</h1>\n";
  if (!flowsheet.description.empty()) {
    html << "<p>" << escape(flowsheet.description) << "</p>\n";
  }
  html << "<p>File: <code>" << escape(flowsheet.source_file.empty() ? "(text)" : flowsheet.source_file)
       << "</code>; hydromet " << escape(version_string) << ".</p>\n<h2>Flowsheet</h2>\n"
       << format_svg_diagram(flowsheet);
  return html.str();
}

std::pair<double, std::string> time_scale(double end) {
  if (end >= 2.0 * 86400.0) {
    return {86400.0, "time [d]"};
  }
  if (end >= 2.0 * 3600.0) {
    return {3600.0, "time [h]"};
  }
  if (end >= 120.0) {
    return {60.0, "time [min]"};
  }
  return {1.0, "time [s]"};
}

}  // namespace

std::vector<DiagramPlacement> layout_flowsheet(const Flowsheet& flowsheet) {
  return layout(graph_of(flowsheet)).units;
}

std::string format_svg_diagram(const Flowsheet& flowsheet) {
  const Graph graph = graph_of(flowsheet);
  const Layout placed = layout(graph);
  const auto& placement = placed.units;
  constexpr double box_width = 140.0;
  constexpr double box_height = 46.0;
  constexpr double column = 210.0;
  constexpr double row_height = 80.0;
  constexpr double margin = 20.0;
  constexpr double lane_spacing = 10.0;
  std::size_t layers = 0;
  std::size_t rows = 0;
  for (const auto& p : placement) {
    layers = std::max(layers, p.layer + 1);
    rows = std::max(rows, p.row + 1);
  }
  for (const auto& bends : placed.bends) {
    for (const auto& p : bends) {
      rows = std::max(rows, p.row + 1);
    }
  }
  auto x_at = [&](const DiagramPlacement& p) { return margin + column * static_cast<double>(p.layer); };
  auto y_at = [&](const DiagramPlacement& p) { return margin + row_height * static_cast<double>(p.row); };
  // Recycles that do not join neighbouring layers run along lanes under the diagram.
  std::size_t lanes = 0;
  std::vector<std::size_t> lane_of(graph.edges.size(), 0);
  for (std::size_t e = 0; e < graph.edges.size(); ++e) {
    const auto [from, to] = graph.edges[e];
    if (placement[to].layer <= placement[from].layer && placement[from].layer != placement[to].layer + 1) {
      lane_of[e] = ++lanes;
    }
  }
  const double bottom = margin + row_height * static_cast<double>(rows > 0 ? rows - 1 : 0) + box_height;
  const double width = 2 * margin + box_width + column * static_cast<double>(layers > 0 ? layers - 1 : 0);
  const double height =
      bottom + margin + lane_spacing * static_cast<double>(lanes) + (lanes > 0 ? 10.0 : 0.0);

  std::ostringstream svg;
  svg << "<svg id=\"flowsheet-diagram\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << coordinate(width)
      << "\" height=\"" << coordinate(height) << "\" viewBox=\"0 0 " << coordinate(width) << ' '
      << coordinate(height)
      << "\" role=\"img\" aria-label=\"flowsheet diagram\">\n<defs><marker id=\"arrow\" viewBox=\"0 0 10 "
         "10\" "
         "refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path "
         "d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>\n";
  auto point = [](std::string& path, double x, double y) {
    path.append(coordinate(x)).append(",").append(coordinate(y));
  };
  // A cubic from (x1, y1) to (x2, y2) leaving and arriving horizontally.
  auto curve = [&](std::string& path, double x1, double y1, double x2, double y2) {
    const double mid = (x1 + x2) / 2;
    path.append(" C");
    point(path, mid, y1);
    path.append(" ");
    point(path, mid, y2);
    path.append(" ");
    point(path, x2, y2);
  };
  for (std::size_t e = 0; e < graph.edges.size(); ++e) {
    const auto [from, to] = graph.edges[e];
    const auto& connection = flowsheet.connections()[e];
    std::string label = connection.from.unit;
    label.append(".").append(connection.from.port).append(" -> ").append(connection.to.unit);
    label.append(".").append(connection.to.port);
    const double from_x = x_at(placement[from]);
    const double from_y = y_at(placement[from]);
    const double to_x = x_at(placement[to]);
    const double to_y = y_at(placement[to]);
    std::string path("M");
    if (placement[to].layer > placement[from].layer) {  // forward, through its slots in inner layers
      double x = from_x + box_width;
      double y = from_y + box_height / 2;
      point(path, x, y);
      for (const auto& slot : placed.bends[e]) {
        const double slot_y = y_at(slot) + box_height / 2;
        curve(path, x, y, x_at(slot), slot_y);
        x = x_at(slot) + box_width;
        y = slot_y;
        path.append(" L");
        point(path, x, y);
      }
      curve(path, x, y, to_x, to_y + box_height / 2);
    } else if (lane_of[e] == 0) {  // recycle to the previous layer: left side back to the right side, low
      point(path, from_x, from_y + 0.75 * box_height);
      curve(path, from_x, from_y + 0.75 * box_height, to_x + box_width, to_y + 0.75 * box_height);
    } else {  // longer recycle: down to a lane under the diagram, along it, and up into the unit
      const double lane = bottom + lane_spacing * static_cast<double>(lane_of[e]);
      const double start = from_x + 0.6 * box_width;
      const double end = to_x + 0.4 * box_width;
      point(path, start, from_y + box_height);
      path.append(" L");
      point(path, start, lane);
      path.append(" L");
      point(path, end, lane);
      path.append(" L");
      point(path, end, to_y + box_height);
    }
    svg << "<path d=\"" << path << "\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.4\""
        << (graph.recycle[e] ? " stroke-dasharray=\"5,3\"" : "") << " marker-end=\"url(#arrow)\"><title>"
        << escape(label) << "</title></path>\n";
  }
  for (std::size_t u = 0; u < graph.size; ++u) {
    const auto& unit = flowsheet.unit(u);
    const char* fill = unit.boundary() == Boundary::source ? "#e3f2e1"
                       : unit.boundary() == Boundary::sink ? "#fbe9e7"
                       : unit.state_size() > 0             ? "#e3ecf7"
                                                           : "#f5f5f5";
    const double x = x_at(placement[u]);
    const double y = y_at(placement[u]);
    svg << "<g class=\"unit\" data-unit=\"" << escape(unit.name()) << "\"><rect x=\"" << coordinate(x)
        << "\" y=\"" << coordinate(y) << "\" width=\"" << box_width << "\" height=\"" << box_height
        << "\" rx=\"6\" fill=\"" << fill << "\" stroke=\"#333\"/><text x=\"" << coordinate(x + box_width / 2)
        << "\" y=\"" << coordinate(y + 19) << "\" text-anchor=\"middle\" font-weight=\"bold\">"
        << escape(unit.name()) << "</text><text x=\"" << coordinate(x + box_width / 2) << "\" y=\""
        << coordinate(y + 35) << "\" text-anchor=\"middle\" fill=\"#555\">"
        << escape(std::string(unit.type())) << "</text></g>\n";
  }
  svg << "</svg>\n";
  return svg.str();
}

std::string format_html_report(const Flowsheet& flowsheet, const SimulationResult& result) {
  std::ostringstream html;
  html << page_start(flowsheet, "dynamic run");
  const double end = result.times.empty() ? 0.0 : result.times.back();
  const auto [scale, x_label] = time_scale(end);
  html << "<p>" << result.times.size() << " output times from 0 to " << number(end / scale) << ' '
       << x_label.substr(6, x_label.size() - 7) << ".</p>\n<h2>KPIs at the end of the run</h2>\n"
       << kpis_html(result.final.kpis) << "<h2>Stream table at the end of the run</h2>\n"
       << stream_table_html(result.final.streams, result.components)
       << "<h2>Unit element balances at the end of the run</h2>\n"
       << unit_balances_html(result.final.unit_balances, result.components.elements)
       << "<h2>Plant element balance over the run</h2>\n"
       << plant_balance_html(result.balance, "mol") << "<h2>Time series</h2>\n";
  // One plot per unit and output unit, in the order the outputs come.
  std::vector<double> x(result.times.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = result.times[i] / scale;
  }
  std::vector<std::pair<std::string, std::string>> groups;  // (unit, output unit)
  std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> members;
  for (std::size_t j = 0; j < result.output_names.size(); ++j) {
    const auto& name = result.output_names[j];
    const auto key = std::make_pair(name.substr(0, name.find('.')), result.output_units[j]);
    if (!members.contains(key)) {
      groups.push_back(key);
    }
    members[key].push_back(j);
  }
  constexpr std::size_t max_series = 12;
  for (const auto& key : groups) {
    const auto& columns = members[key];
    std::vector<Series> series;
    for (std::size_t c = 0; c < columns.size() && c < max_series; ++c) {
      const auto j = static_cast<Eigen::Index>(columns[c]);
      const std::string& name = result.output_names[columns[c]];
      Series s{name.substr(name.find('.') + 1), {}};
      for (Eigen::Index i = 0; i < result.outputs.rows(); ++i) {
        s.y.push_back(result.outputs(i, j));
      }
      series.push_back(std::move(s));
    }
    html << line_plot(key.first, x_label, x, key.second, series);
    if (columns.size() > max_series) {
      html << "<p>" << columns.size() - max_series << " more outputs of " << escape(key.first) << " in ["
           << escape(key.second) << "] are not drawn; see <code>hydromet run --format csv</code>.</p>\n";
    }
  }
  html << "<h2>Solver</h2>\n" << statistics_html(result.statistics) << "</body>\n</html>\n";
  return html.str();
}

std::string format_html_report(const Flowsheet& flowsheet, const SteadyStateResult& result) {
  std::ostringstream html;
  html << page_start(flowsheet, "steady state") << "<h2>KPIs</h2>\n"
       << kpis_html(result.snapshot.kpis) << "<h2>Stream table</h2>\n"
       << stream_table_html(result.snapshot.streams, result.components) << "<h2>Unit element balances</h2>\n"
       << unit_balances_html(result.snapshot.unit_balances, result.components.elements)
       << "<h2>Plant element balance</h2>\n"
       << plant_balance_html(result.balance, "mol/s") << "<h2>Unit outputs</h2>\n"
       << "<table "
          "id=\"outputs\">\n<thead><tr><th>output</th><th>value</th><th>unit</th></tr></thead>\n<tbody>\n";
  for (std::size_t j = 0; j < result.output_names.size(); ++j) {
    html << "<tr><th>" << escape(result.output_names[j]) << "</th><td>"
         << number(result.outputs[static_cast<Eigen::Index>(j)]) << "</td><td>"
         << escape(result.output_units[j]) << "</td></tr>\n";
  }
  html << "</tbody></table>\n<h2>Solver</h2>\n" << statistics_html(result.statistics) << "</body>\n</html>\n";
  return html.str();
}

}  // namespace hydromet
