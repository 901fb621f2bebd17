// Assembly and evaluation of the flowsheet system.
#include "hydromet/flowsheet/system.hpp"

#include <algorithm>

namespace hydromet {

System::System(std::vector<const UnitOperation*> units, std::vector<std::vector<std::size_t>> inlet_streams,
               std::vector<std::vector<std::size_t>> outlet_streams, std::vector<std::size_t> evaluation_order,
               const ComponentList& components)
    : units_(std::move(units)),
      inlet_streams_(std::move(inlet_streams)),
      outlet_streams_(std::move(outlet_streams)),
      evaluation_order_(std::move(evaluation_order)),
      components_(&components) {
  std::size_t stream_count = 0;
  for (const auto& outlets : outlet_streams_) {
    for (const auto index : outlets) {
      stream_count = std::max(stream_count, index + 1);
    }
  }
  streams_.assign(stream_count, Stream::empty(components));
  for (const auto* unit : units_) {
    offsets_.push_back(size_);
    size_ += unit->state_size();
  }
  for (std::size_t u = 0; u < units_.size(); ++u) {
    inlet_buffers_.emplace_back(inlet_streams_[u].size(), Stream::empty(components));
    outlet_buffers_.emplace_back(outlet_streams_[u].size(), Stream::empty(components));
  }
}

std::span<const double> System::block(std::size_t unit, std::span<const double> y) const {
  return y.subspan(offsets_[unit], units_[unit]->state_size());
}

void System::compute_streams(double t, std::span<const double> y) {
  for (const std::size_t u : evaluation_order_) {
    for (std::size_t p = 0; p < inlet_streams_[u].size(); ++p) {
      inlet_buffers_[u][p] = streams_[inlet_streams_[u][p]];
    }
    units_[u]->compute_outlets(t, block(u, y), inlet_buffers_[u], outlet_buffers_[u]);
    for (std::size_t p = 0; p < outlet_streams_[u].size(); ++p) {
      streams_[outlet_streams_[u][p]] = outlet_buffers_[u][p];
    }
  }
  for (std::size_t u = 0; u < units_.size(); ++u) {
    for (std::size_t p = 0; p < inlet_streams_[u].size(); ++p) {
      inlet_buffers_[u][p] = streams_[inlet_streams_[u][p]];
    }
  }
}

void System::evaluate(double t, std::span<const double> y, std::span<double> f) {
  compute_streams(t, y);
  for (std::size_t u = 0; u < units_.size(); ++u) {
    const std::size_t n = units_[u]->state_size();
    if (n > 0) {
      units_[u]->evaluate(t, block(u, y), inlet_buffers_[u], f.subspan(offsets_[u], n));
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
  return rows;
}

numerics::SparsityPattern System::jacobian_pattern() const {
  // Each block depends on itself; until units declare finer patterns, inventory units fed (through any
  // chain of units without inventory) by another inventory unit depend on that unit's whole block.
  std::vector<std::pair<std::size_t, std::size_t>> entries;
  std::vector<std::vector<std::size_t>> stream_sources(streams_.size());
  for (std::size_t u = 0; u < units_.size(); ++u) {
    for (const auto s : outlet_streams_[u]) {
      if (units_[u]->state_size() > 0) {
        stream_sources[s].push_back(u);
      }
    }
  }
  for (const std::size_t u : evaluation_order_) {
    if (units_[u]->state_size() > 0) {
      continue;
    }
    std::vector<std::size_t> sources;
    for (const auto s : inlet_streams_[u]) {
      sources.insert(sources.end(), stream_sources[s].begin(), stream_sources[s].end());
    }
    for (const auto s : outlet_streams_[u]) {
      stream_sources[s] = sources;
    }
  }
  for (std::size_t u = 0; u < units_.size(); ++u) {
    const std::size_t n = units_[u]->state_size();
    if (n == 0) {
      continue;
    }
    std::vector<std::size_t> dependencies{u};
    for (const auto s : inlet_streams_[u]) {
      dependencies.insert(dependencies.end(), stream_sources[s].begin(), stream_sources[s].end());
    }
    std::sort(dependencies.begin(), dependencies.end());
    dependencies.erase(std::unique(dependencies.begin(), dependencies.end()), dependencies.end());
    for (const auto d : dependencies) {
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < units_[d]->state_size(); ++j) {
          entries.emplace_back(offsets_[u] + i, offsets_[d] + j);
        }
      }
    }
  }
  return numerics::SparsityPattern::from_entries(size_, entries);
}

std::string System::component_name(std::size_t index) const {
  for (std::size_t u = units_.size(); u-- > 0;) {
    if (index >= offsets_[u] && units_[u]->state_size() > 0) {
      return units_[u]->name() + "." + units_[u]->state_name(index - offsets_[u]);
    }
  }
  return "y[" + std::to_string(index) + "]";
}

Vector System::initial_state() const {
  Vector y = Vector::Zero(static_cast<Eigen::Index>(size_));
  for (std::size_t u = 0; u < units_.size(); ++u) {
    units_[u]->initial_state(std::span<double>(y.data() + offsets_[u], units_[u]->state_size()));
  }
  return y;
}

Vector System::state_scales() const {
  Vector scales(static_cast<Eigen::Index>(size_));
  for (std::size_t u = 0; u < units_.size(); ++u) {
    for (std::size_t i = 0; i < units_[u]->state_size(); ++i) {
      scales[static_cast<Eigen::Index>(offsets_[u] + i)] = units_[u]->state_scale(i);
    }
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

}  // namespace hydromet
