// Assembly and evaluation of the flowsheet system.
#include "hydromet/flowsheet/system.hpp"

#include <algorithm>
#include <limits>

namespace hydromet {
namespace {
constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
}

System::System(std::vector<const UnitOperation*> units, Wiring wiring, const ComponentList& components,
               bool accumulators)
    : units_(std::move(units)), wiring_(std::move(wiring)), components_(&components) {
  streams_.assign(wiring_.stream_count, Stream::empty(components));
  for (const auto* unit : units_) {
    offsets_.push_back(unit_states_);
    unit_states_ += unit->state_size();
  }
  size_ = unit_states_;
  const std::size_t elements = components.elements().size();
  for (const auto* unit : units_) {
    if (accumulators && unit->boundary() != Boundary::none) {
      accumulator_offsets_.push_back(size_);
      size_ += elements;
    } else {
      accumulator_offsets_.push_back(none);
    }
  }
  for (std::size_t u = 0; u < units_.size(); ++u) {
    inlet_buffers_.emplace_back(wiring_.inlets[u].size(), Stream::empty(components));
    outlet_buffers_.emplace_back(wiring_.outlets[u].size(), Stream::empty(components));
  }
  // Flow order: a unit comes after every unit that feeds it (Kahn's topological order, all sources first),
  // so that a substitution pass fills each unit from inlets already computed; in a recycle, where no unit is
  // ready, the unit with the fewest unordered feeders goes next (the tear).
  std::vector<std::size_t> stream_target(wiring_.stream_count, none);
  std::vector<std::size_t> stream_source(wiring_.stream_count, none);
  for (std::size_t u = 0; u < units_.size(); ++u) {
    for (const auto s : wiring_.inlets[u]) {
      stream_target[s] = u;
    }
    for (const auto s : wiring_.outlets[u]) {
      stream_source[s] = u;
    }
  }
  std::vector<std::size_t> waiting(units_.size(), 0);  // inlets whose source unit is not ordered yet
  for (std::size_t u = 0; u < units_.size(); ++u) {
    for (const auto s : wiring_.inlets[u]) {
      waiting[u] += stream_source[s] != none ? 1 : 0;
    }
  }
  std::vector<bool> ordered(units_.size(), false);
  std::vector<std::size_t> ready;
  for (std::size_t u = 0; u < units_.size(); ++u) {
    if (waiting[u] == 0) {
      ready.push_back(u);
    }
  }
  std::size_t next_ready = 0;
  while (flow_order_.size() < units_.size()) {
    std::size_t u = none;
    while (next_ready < ready.size() && u == none) {
      if (!ordered[ready[next_ready]]) {
        u = ready[next_ready];
      }
      ++next_ready;
    }
    if (u == none) {  // a recycle: tear it at the unit closest to ready
      for (std::size_t v = 0; v < units_.size(); ++v) {
        if (!ordered[v] && (u == none || waiting[v] < waiting[u])) {
          u = v;
        }
      }
    }
    ordered[u] = true;
    flow_order_.push_back(u);
    for (const auto s : wiring_.outlets[u]) {
      const std::size_t v = stream_target[s];
      if (v != none && !ordered[v] && --waiting[v] == 0) {
        ready.push_back(v);
      }
    }
  }
}

bool System::substitution_pass(double t, std::span<double> y) {
  bool filled = false;
  for (const std::size_t u : flow_order_) {
    for (std::size_t p = 0; p < wiring_.inlets[u].size(); ++p) {
      inlet_buffers_[u][p] = streams_[wiring_.inlets[u][p]];
    }
    if (const std::size_t n = units_[u]->state_size(); n > 0) {
      filled = units_[u]->fill_from_inlets(t, inlet_buffers_[u], y.subspan(offsets_[u], n)) || filled;
    }
    units_[u]->compute_outlets(t, block(u, y), inlet_buffers_[u], outlet_buffers_[u]);
    for (std::size_t p = 0; p < wiring_.outlets[u].size(); ++p) {
      streams_[wiring_.outlets[u][p]] = outlet_buffers_[u][p];
    }
  }
  return filled;
}

std::span<const double> System::block(std::size_t unit, std::span<const double> y) const {
  return y.subspan(offsets_[unit], units_[unit]->state_size());
}

void System::compute_streams(double t, std::span<const double> y) {
  for (const std::size_t u : wiring_.order) {
    for (std::size_t p = 0; p < wiring_.inlets[u].size(); ++p) {
      inlet_buffers_[u][p] = streams_[wiring_.inlets[u][p]];
    }
    units_[u]->compute_outlets(t, block(u, y), inlet_buffers_[u], outlet_buffers_[u]);
    for (std::size_t p = 0; p < wiring_.outlets[u].size(); ++p) {
      streams_[wiring_.outlets[u][p]] = outlet_buffers_[u][p];
    }
  }
  // Inventory units were evaluated before their upstream units; refresh what they see.
  for (std::size_t u = 0; u < units_.size(); ++u) {
    for (std::size_t p = 0; p < wiring_.inlets[u].size(); ++p) {
      inlet_buffers_[u][p] = streams_[wiring_.inlets[u][p]];
    }
  }
}

void System::evaluate(double t, std::span<const double> y, std::span<double> f) {
  compute_streams(t, y);
  for (std::size_t u = 0; u < units_.size(); ++u) {
    if (const std::size_t n = units_[u]->state_size(); n > 0) {
      units_[u]->evaluate(t, block(u, y), inlet_buffers_[u], f.subspan(offsets_[u], n));
    }
    if (accumulator_offsets_[u] != none) {
      const auto& ports = units_[u]->boundary() == Boundary::source ? outlet_buffers_[u] : inlet_buffers_[u];
      Vector flow = Vector::Zero(static_cast<Eigen::Index>(components_->elements().size()));
      for (const auto& stream : ports) {
        flow += stream.element_flows(*components_);
      }
      std::copy(flow.begin(), flow.end(), f.begin() + static_cast<std::ptrdiff_t>(accumulator_offsets_[u]));
    }
  }
}

std::vector<bool> System::differential_rows() const {
  std::vector<bool> rows;
  rows.reserve(size_);
  for (const auto* unit : units_) {
    const auto unit_rows = unit->differential_rows();
    rows.insert(rows.end(), unit_rows.begin(), unit_rows.end());
  }
  rows.resize(size_, true);
  return rows;
}

std::vector<std::vector<std::size_t>> System::stream_sources() const {
  // The inventory units whose states each stream depends on, through any chain of units without inventory.
  std::vector<std::vector<std::size_t>> sources(streams_.size());
  for (std::size_t u = 0; u < units_.size(); ++u) {
    if (units_[u]->state_size() > 0) {
      for (const auto s : wiring_.outlets[u]) {
        sources[s].push_back(u);
      }
    }
  }
  for (const std::size_t u : wiring_.order) {
    if (units_[u]->state_size() > 0) {
      continue;
    }
    std::vector<std::size_t> upstream;
    for (const auto s : wiring_.inlets[u]) {
      upstream.insert(upstream.end(), sources[s].begin(), sources[s].end());
    }
    std::sort(upstream.begin(), upstream.end());
    upstream.erase(std::unique(upstream.begin(), upstream.end()), upstream.end());
    for (const auto s : wiring_.outlets[u]) {
      sources[s] = upstream;
    }
  }
  return sources;
}

numerics::SparsityPattern System::jacobian_pattern() const {
  // A unit's block depends on its own states and on the states of the inventory units that feed it.
  const auto sources = stream_sources();
  std::vector<std::pair<std::size_t, std::size_t>> entries;
  auto depend = [&](std::size_t row_begin, std::size_t rows, const std::vector<std::size_t>& on) {
    for (const auto d : on) {
      for (std::size_t i = 0; i < rows; ++i) {
        for (std::size_t j = 0; j < units_[d]->state_size(); ++j) {
          entries.emplace_back(row_begin + i, offsets_[d] + j);
        }
      }
    }
  };
  for (std::size_t u = 0; u < units_.size(); ++u) {
    std::vector<std::size_t> upstream;
    for (const auto s : wiring_.inlets[u]) {
      upstream.insert(upstream.end(), sources[s].begin(), sources[s].end());
    }
    std::sort(upstream.begin(), upstream.end());
    upstream.erase(std::unique(upstream.begin(), upstream.end()), upstream.end());
    if (const std::size_t n = units_[u]->state_size(); n > 0) {
      // A unit declaring its internal pattern keeps it, unless it feeds itself through units without
      // inventory: its rows then see its own outlets through its inlets (dense, to stay correct).
      std::vector<std::size_t> dependencies = upstream;
      const auto own = units_[u]->state_pattern();
      if (own.empty()) {
        dependencies.push_back(u);
      } else {
        for (const auto& [row, column] : own) {
          entries.emplace_back(offsets_[u] + row, offsets_[u] + column);
        }
      }
      std::sort(dependencies.begin(), dependencies.end());
      dependencies.erase(std::unique(dependencies.begin(), dependencies.end()), dependencies.end());
      depend(offsets_[u], n, dependencies);
    }
    if (accumulator_offsets_[u] != none && units_[u]->boundary() == Boundary::sink) {
      depend(accumulator_offsets_[u], components_->elements().size(), upstream);
    }
  }
  for (std::size_t i = unit_states_; i < size_; ++i) {
    entries.emplace_back(i, i);  // keeps the Newton matrix's diagonal structurally present
  }
  return numerics::SparsityPattern::from_entries(size_, entries);
}

std::string System::component_name(std::size_t index) const {
  for (std::size_t u = 0; u < units_.size(); ++u) {
    if (index >= offsets_[u] && index < offsets_[u] + units_[u]->state_size()) {
      return units_[u]->name() + "." + units_[u]->state_name(index - offsets_[u]);
    }
    if (accumulator_offsets_[u] != none && index >= accumulator_offsets_[u] &&
        index < accumulator_offsets_[u] + components_->elements().size()) {
      return units_[u]->name() + ".cumulative[" + components_->elements()[index - accumulator_offsets_[u]] +
             "]";
    }
  }
  return "y[" + std::to_string(index) + "]";
}

std::vector<std::string> System::component_names() const {
  std::vector<std::string> names(size_);
  const auto& elements = components_->elements();
  for (std::size_t u = 0; u < units_.size(); ++u) {
    for (std::size_t i = 0; i < units_[u]->state_size(); ++i) {
      names[offsets_[u] + i] = units_[u]->name() + "." + units_[u]->state_name(i);
    }
    if (accumulator_offsets_[u] != none) {
      for (std::size_t e = 0; e < elements.size(); ++e) {
        names[accumulator_offsets_[u] + e] = units_[u]->name() + ".cumulative[" + elements[e] + "]";
      }
    }
  }
  return names;
}

Vector System::initial_state() const {
  Vector y = Vector::Zero(static_cast<Eigen::Index>(size_));
  for (std::size_t u = 0; u < units_.size(); ++u) {
    units_[u]->initial_state(std::span<double>(y.data() + offsets_[u], units_[u]->state_size()));
  }
  return y;
}

Vector System::state_scales() const {
  Vector scales = Vector::Ones(static_cast<Eigen::Index>(size_));
  double largest = 0.0;
  for (std::size_t u = 0; u < units_.size(); ++u) {
    for (std::size_t i = 0; i < units_[u]->state_size(); ++i) {
      const double scale = units_[u]->state_scale(i);
      scales[static_cast<Eigen::Index>(offsets_[u] + i)] = scale;
      largest = std::max(largest, scale);
    }
  }
  // Accumulators grow with time; their tolerance follows the plant's largest inventory.
  for (std::size_t i = unit_states_; i < size_; ++i) {
    scales[static_cast<Eigen::Index>(i)] = largest > 0.0 ? largest : 1.0;
  }
  return scales;
}

Vector System::element_inventory(std::span<const double> y) const {
  Vector total = Vector::Zero(static_cast<Eigen::Index>(components_->elements().size()));
  for (std::size_t u = 0; u < units_.size(); ++u) {
    total += units_[u]->element_inventory(block(u, y));
  }
  return total;
}

Vector System::accumulated(std::size_t unit, std::span<const double> y) const {
  const auto elements = static_cast<Eigen::Index>(components_->elements().size());
  if (accumulator_offsets_[unit] == none) {
    return Vector::Zero(elements);
  }
  return Eigen::Map<const Vector>(y.data() + accumulator_offsets_[unit], elements);
}

}  // namespace hydromet
