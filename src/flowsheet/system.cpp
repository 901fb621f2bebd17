// Assembly and evaluation of the flowsheet system.
#include "hydromet/flowsheet/system.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>

#include "hydromet/core/error.hpp"
#include "hydromet/numerics/sparsity.hpp"

namespace hydromet {
namespace {

static_assert(!Matrix::IsRowMajor, "StreamScalarRead indexes solid_moles column by column");

detail::StreamScalarRead resolve_scalar(std::size_t stream, std::size_t component,
                                        const ComponentList& components) {
  using Field = detail::StreamScalarRead::Field;
  detail::StreamScalarRead read;
  read.stream = stream;
  switch (component) {
    case StreamLayout::temperature:
      read.field = Field::temperature;
      return read;
    case StreamLayout::aqueous_flow:
      read.field = Field::aqueous_flow;
      return read;
    case StreamLayout::organic_flow:
      read.field = Field::organic_flow;
      return read;
    default:
      break;
  }
  std::size_t index = component - StreamLayout::holdup_offset;
  if (index < components.aqueous_count()) {
    read.field = Field::aqueous;
    read.index = static_cast<Eigen::Index>(index);
    return read;
  }
  index -= components.aqueous_count();
  if (index < components.organic_count()) {
    read.field = Field::organic;
    read.index = static_cast<Eigen::Index>(index);
    return read;
  }
  index -= components.organic_count();
  const std::size_t classes = components.size_class_count();
  read.field = Field::solid;
  read.index = static_cast<Eigen::Index>(index / classes + (index % classes) * components.solid_count());
  return read;
}

double read_scalar(const Stream& stream, const detail::StreamScalarRead& read) {
  using Field = detail::StreamScalarRead::Field;
  switch (read.field) {
    case Field::temperature:
      return stream.temperature;
    case Field::aqueous_flow:
      return stream.aqueous_flow;
    case Field::organic_flow:
      return stream.organic_flow;
    case Field::aqueous:
      return stream.aqueous_moles.data()[read.index];
    case Field::organic:
      return stream.organic_moles.data()[read.index];
    case Field::solid:
      return stream.solid_moles.data()[read.index];
  }
  return 0.0;
}
constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
}  // namespace

System::System(std::vector<const UnitOperation*> units, Wiring wiring, const ComponentList& components,
               bool accumulators)
    : units_(std::move(units)),
      wiring_(std::move(wiring)),
      components_(&components),
      aqueous_element_counts_(components.aqueous_elements()),
      organic_element_counts_(components.organic_elements()),
      solid_element_counts_(components.solid_elements()) {
  for (const auto* unit : units_) {
    offsets_.push_back(unit_states_);
    state_sizes_.push_back(unit->state_size());
    unit_states_ += state_sizes_.back();
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
  // Each stream is its producer's outlet buffer (every port is connected, each stream to one outlet), so that
  // an evaluation does not copy outlets into a table of streams. The buffers are not resized after this.
  streams_.assign(wiring_.stream_count, nullptr);
  for (std::size_t u = 0; u < units_.size(); ++u) {
    for (std::size_t p = 0; p < wiring_.outlets[u].size(); ++p) {
      Stream*& slot = streams_.at(wiring_.outlets[u][p]);
      if (slot != nullptr) {
        throw Error("System: stream " + std::to_string(wiring_.outlets[u][p]) + " leaves two outlets");
      }
      slot = &outlet_buffers_[u][p];
    }
  }
  if (std::find(streams_.begin(), streams_.end(), nullptr) != streams_.end()) {
    throw Error("System: a stream leaves no outlet");
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
  collect_aggregates(accumulators);
  plan_stream_pass();
}

void System::collect_aggregates(bool accumulators) {
  for (const auto* unit : units_) {
    couplings_.push_back(unit->stream_coupling());
  }
  const StreamLayout layout(*components_);
  const std::size_t width = layout.size();
  std::vector<std::size_t> stream_target(wiring_.stream_count, none);
  for (std::size_t u = 0; u < units_.size(); ++u) {
    for (const auto s : wiring_.inlets[u]) {
      stream_target[s] = u;
    }
  }
  // One intermediate per inlet scalar that any aggregate reads, read when its unit's inlets are computed.
  std::vector<std::size_t> index_of(wiring_.stream_count * width, none);
  intermediates_of_unit_.assign(units_.size(), {});
  const auto intermediate = [&](std::size_t stream, std::size_t component) {
    std::size_t& index = index_of[stream * width + component];
    if (index == none) {
      index = intermediates_.size();
      intermediates_.emplace_back(stream, component);
      intermediates_of_unit_[stream_target[stream]].push_back(index);
    }
    return index;
  };
  first_aggregate_.assign(units_.size(), 0);
  for (const std::size_t u : wiring_.order) {
    first_aggregate_[u] = aggregates_.size();
    if (!couplings_[u] || couplings_[u]->aggregates.empty()) {
      continue;
    }
    if (units_[u]->state_size() > 0) {
      throw Error("unit `" + units_[u]->name() + "` declares aggregates but has states (only units without " +
                  "inventory compute outlets from their inlets)");
    }
    for (const auto& declared : couplings_[u]->aggregates) {
      FlowsheetAggregate aggregate{{}, declared.scale, none};
      for (const auto& term : declared.terms) {
        if (term.port >= wiring_.inlets[u].size() || term.component >= width) {
          throw Error("unit `" + units_[u]->name() + "` declares an aggregate term outside its inlets");
        }
        aggregate.terms.emplace_back(intermediate(wiring_.inlets[u][term.port], term.component),
                                     term.coefficient);
      }
      aggregates_.push_back(std::move(aggregate));
    }
  }
  unit_aggregates_ = aggregates_.size();
  // A sink's accumulator row for element e is its inlets' flow of e: Σ over the species carrying e (every
  // size class of a solid) of the element count times the flow.
  for (std::size_t u = 0; accumulators && u < units_.size(); ++u) {
    if (accumulator_offsets_[u] == none || units_[u]->boundary() != Boundary::sink) {
      continue;
    }
    for (std::size_t e = 0; e < components_->elements().size(); ++e) {
      FlowsheetAggregate aggregate{{}, 1.0, accumulator_offsets_[u] + e};
      const auto add = [&](const Matrix& composition, std::size_t species, std::size_t stream,
                           std::size_t component) {
        const double count = composition(static_cast<Eigen::Index>(e), static_cast<Eigen::Index>(species));
        if (count != 0.0) {
          aggregate.terms.emplace_back(intermediate(stream, component), count);
        }
      };
      for (const auto stream : wiring_.inlets[u]) {
        for (std::size_t i = 0; i < components_->aqueous_count(); ++i) {
          add(components_->aqueous_elements(), i, stream, layout.aqueous(i));
        }
        for (std::size_t i = 0; i < components_->organic_count(); ++i) {
          add(components_->organic_elements(), i, stream, layout.organic(i));
        }
        for (std::size_t solid = 0; solid < components_->solid_count(); ++solid) {
          for (std::size_t k = 0; k < components_->size_class_count(); ++k) {
            add(components_->solid_elements(), solid, stream, layout.solid(solid, k));
          }
        }
      }
      aggregates_.push_back(std::move(aggregate));
    }
  }
  intermediate_count_ = intermediates_.size();
  intermediate_reads_.clear();
  for (const auto& [stream, component] : intermediates_) {
    intermediate_reads_.push_back(resolve_scalar(stream, component, *components_));
  }
  aggregate_count_ = aggregates_.size();
  state_aggregates_of_unit_.assign(units_.size(), none);
  for (std::size_t u = 0; u < units_.size(); ++u) {
    StateAggregates declared = units_[u]->state_aggregates();
    if (declared.aggregates.empty()) {
      continue;
    }
    const std::size_t n = units_[u]->state_size();
    for (const auto& columns : declared.intermediates) {
      if (!columns.empty() && columns.back() >= n) {
        throw Error("unit `" + units_[u]->name() +
                    "` declares an intermediate reading a state outside its block");
      }
    }
    for (const auto& aggregate : declared.aggregates) {
      for (const auto& [k, coefficient] : aggregate.terms) {
        (void)coefficient;
        if (k >= declared.intermediates.size()) {
          throw Error("unit `" + units_[u]->name() +
                      "` declares an aggregate term outside its intermediates");
        }
      }
      if (!aggregate.rows.empty() && aggregate.rows.back() >= n) {
        throw Error("unit `" + units_[u]->name() + "` declares an aggregate read by a row outside its block");
      }
    }
    state_aggregates_of_unit_[u] = state_aggregates_.size();
    const std::size_t intermediates = declared.intermediates.size();
    const std::size_t aggregates = declared.aggregates.size();
    state_aggregates_.push_back({u, std::move(declared), intermediate_count_, aggregate_count_});
    intermediate_count_ += intermediates;
    aggregate_count_ += aggregates;
  }
  source_flow_time_.assign(units_.size(), std::numeric_limits<double>::quiet_NaN());
  source_flows_.assign(units_.size() * components_->elements().size(), 0.0);
  solid_totals_.assign(components_->solid_count(), 0.0);
}

bool System::substitution_pass(double t, std::span<double> y, bool reverse) {
  return flow_order_pass(t, y, &UnitOperation::fill_from_inlets, reverse);
}

bool System::substitution_pass(double t, std::span<double> y, bool reverse, FillMemory& memory) {
  memory.units.resize(units_.size());
  return flow_order_pass(t, y, &UnitOperation::fill_from_inlets, reverse, &memory);
}

std::vector<std::size_t> System::torn_streams() const {
  std::vector<std::size_t> position(units_.size());
  for (std::size_t k = 0; k < flow_order_.size(); ++k) {
    position[flow_order_[k]] = k;
  }
  std::vector<std::size_t> source(wiring_.stream_count, none);
  for (std::size_t u = 0; u < units_.size(); ++u) {
    for (const auto s : wiring_.outlets[u]) {
      source[s] = u;
    }
  }
  std::vector<std::size_t> torn;
  for (const std::size_t u : flow_order_) {
    for (const auto s : wiring_.inlets[u]) {
      if (source[s] != none && position[source[s]] >= position[u]) {
        torn.push_back(s);
      }
    }
  }
  return torn;
}

namespace {

// Bit for bit: a fill given the same numbers gives the same block.
bool identical(std::span<const double> a, std::span<const double> b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size_bytes()) == 0);
}

bool identical(const Stream& a, const Stream& b) {
  const auto all = [](const auto& values) {
    return std::span<const double>(values.data(), static_cast<std::size_t>(values.size()));
  };
  const std::array<double, 3> a_scalars{a.temperature, a.aqueous_flow, a.organic_flow};
  const std::array<double, 3> b_scalars{b.temperature, b.aqueous_flow, b.organic_flow};
  return identical(a_scalars, b_scalars) && identical(all(a.aqueous_moles), all(b.aqueous_moles)) &&
         identical(all(a.organic_moles), all(b.organic_moles)) &&
         a.solid_moles.rows() == b.solid_moles.rows() && identical(all(a.solid_moles), all(b.solid_moles));
}

bool identical(std::span<const Stream> a, std::span<const Stream> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const Stream& x, const Stream& y) { return identical(x, y); });
}

}  // namespace

bool System::flow_order_pass(double t, std::span<double> y,
                             bool (UnitOperation::*fill)(double, std::span<const Stream>, MutableSpan) const,
                             bool reverse, FillMemory* memory) {
  near_.valid = false;
  std::fill(outlets_time_.begin(), outlets_time_.end(), std::numeric_limits<double>::quiet_NaN());
  bool filled = false;
  for (std::size_t k = 0; k < flow_order_.size(); ++k) {
    const std::size_t u = flow_order_[reverse ? flow_order_.size() - 1 - k : k];
    for (std::size_t p = 0; p < wiring_.inlets[u].size(); ++p) {
      inlet_buffers_[u][p] = *streams_[wiring_.inlets[u][p]];
    }
    if (const std::size_t n = units_[u]->state_size(); n > 0) {
      const std::span<double> unit_block = y.subspan(offsets_[u], n);
      FillMemory::Fill* last = memory != nullptr ? &memory->units[u] : nullptr;
      if (last != nullptr && !last->block.empty() &&
          std::bit_cast<std::uint64_t>(last->t) == std::bit_cast<std::uint64_t>(t) &&
          identical(last->inlets, inlet_buffers_[u]) && identical(unit_block, last->block)) {
        filled = last->filled || filled;
      } else {
        const bool unit_filled = (units_[u]->*fill)(t, inlet_buffers_[u], unit_block);
        filled = unit_filled || filled;
        if (last != nullptr) {
          *last = {unit_filled, t, inlet_buffers_[u], {unit_block.begin(), unit_block.end()}};
        }
      }
    }
    units_[u]->compute_outlets(t, block(u, y), inlet_buffers_[u], outlet_buffers_[u]);
  }
  return filled;
}

std::span<const double> System::block(std::size_t unit, std::span<const double> y) const {
  return y.subspan(offsets_[unit], state_sizes_[unit]);
}

namespace {

/// to = from, block by block without reallocating when the shapes agree (Stream's own assignment costs
/// ~100 instructions on the few-species streams of a small flowsheet, several times per evaluation). The
/// blocks go by memmove: an element loop cost the W plant, whose solids span 13 × 20 size classes, 9 % of
/// its start-up's instructions (callgrind, 2 h: 6.53 → 6.18 G).
void copy_stream(const Stream& from, Stream& to) {
  if (to.aqueous_moles.size() != from.aqueous_moles.size() ||
      to.organic_moles.size() != from.organic_moles.size() ||
      to.solid_moles.rows() != from.solid_moles.rows() || to.solid_moles.cols() != from.solid_moles.cols()) {
    to = from;
    return;
  }
  to.temperature = from.temperature;
  to.aqueous_flow = from.aqueous_flow;
  to.organic_flow = from.organic_flow;
  const auto copy = [](const double* source, Eigen::Index count, double* target) {
    std::copy_n(source, count, target);
  };
  copy(from.aqueous_moles.data(), from.aqueous_moles.size(), to.aqueous_moles.data());
  copy(from.organic_moles.data(), from.organic_moles.size(), to.organic_moles.data());
  copy(from.solid_moles.data(), from.solid_moles.size(), to.solid_moles.data());
}

}  // namespace

System::ElementCounts::ElementCounts(const Matrix& matrix) {
  row_start.push_back(0);
  for (Eigen::Index e = 0; e < matrix.rows(); ++e) {
    for (Eigen::Index j = 0; j < matrix.cols(); ++j) {
      if (matrix(e, j) != 0.0) {
        species.push_back(static_cast<std::size_t>(j));
        counts.push_back(matrix(e, j));
      }
    }
    row_start.push_back(species.size());
  }
}

// The zero counts a dense product would add contribute +0 to finite sums: left out, the sums are the same.
void System::ElementCounts::add_flows(const double* amounts, double* flow) const {
  for (std::size_t e = 0; e + 1 < row_start.size(); ++e) {
    double sum = 0.0;
    for (std::size_t p = row_start[e]; p < row_start[e + 1]; ++p) {
      sum += counts[p] * amounts[species[p]];
    }
    flow[e] += sum;
  }
}

bool System::kept_for(const UnitPass& pass, double computed_at, double t) {
  return computed_at == t || (pass.constant_outlets && !std::isnan(computed_at));
}

void System::compute_streams(double t, std::span<const double> y) { compute_streams(t, y, {}, {}, {}); }

void System::plan_stream_pass() {
  std::vector<std::size_t> position(units_.size());
  for (std::size_t k = 0; k < wiring_.order.size(); ++k) {
    position[wiring_.order[k]] = k;
  }
  std::vector<std::size_t> source(wiring_.stream_count, none);
  for (std::size_t u = 0; u < units_.size(); ++u) {
    for (const auto s : wiring_.outlets[u]) {
      source[s] = u;
    }
  }
  pass_.assign(units_.size(), {});
  for (std::size_t u = 0; u < units_.size(); ++u) {
    UnitPass& pass = pass_[u];
    const bool has_states = state_sizes_[u] > 0;
    pass.reads_inlets = !has_states || (couplings_[u] && !couplings_[u]->outlet_inlets.empty());
    // An inventory unit whose inlets were copied in the pass after every unit feeding it sees current inlets;
    // the others are refreshed after the pass.
    bool inlets_current = pass.reads_inlets;
    for (const auto s : wiring_.inlets[u]) {
      inlets_current = inlets_current && source[s] != none && position[source[s]] < position[u];
    }
    pass.refresh_inlets = has_states && !inlets_current;
    pass.of_time_alone = !has_states && wiring_.inlets[u].empty();
    pass.constant_outlets = pass.of_time_alone && units_[u]->outlets_constant();
    pass.source_accumulator = accumulator_offsets_[u] != none && units_[u]->boundary() == Boundary::source;
  }
  outlets_time_.assign(units_.size(), std::numeric_limits<double>::quiet_NaN());
}

void System::set_stream(std::size_t index, const Stream& stream) {
  near_.valid = false;
  *streams_.at(index) = stream;
  std::fill(outlets_time_.begin(), outlets_time_.end(), std::numeric_limits<double>::quiet_NaN());
}

void System::compute_streams(double t, std::span<const double> y, std::span<const double> held,
                             std::span<double> intermediates, std::span<double> aggregates) {
  near_.valid = false;  // the streams change
  // Outside a Jacobian nothing reads the intermediates: units sum their own aggregates (to the same bits).
  const bool plain = held.empty() && intermediates.empty() && aggregates.empty();
  for (const std::size_t u : wiring_.order) {
    if (pass_[u].of_time_alone && kept_for(pass_[u], outlets_time_[u], t)) {
      continue;  // a source's outlets depend on t alone and are in its buffers already (FD Jacobians, Newton)
    }
    pass_unit(u, t, y, held, intermediates, aggregates, plain);
  }
  for (std::size_t g = unit_aggregates_; !plain && g < aggregates_.size(); ++g) {
    aggregates[g] = aggregate_value(g, held, intermediates);
  }
  // Inventory units evaluated before their upstream units (outlets from their states alone) see their inlets
  // only now. Units without inventory came after everything that feeds them (topological order).
  for (std::size_t u = 0; u < units_.size(); ++u) {
    if (!pass_[u].refresh_inlets) {
      continue;
    }
    for (std::size_t p = 0; p < wiring_.inlets[u].size(); ++p) {
      copy_stream(*streams_[wiring_.inlets[u][p]], inlet_buffers_[u][p]);
    }
  }
}

// Same order of operations as the units' own sums, so an aggregate computed here equals theirs bit for bit.
double System::aggregate_value(std::size_t g, std::span<const double> held,
                               std::span<const double> intermediates) const {
  if (!held.empty()) {
    return held[g];
  }
  double value = 0.0;
  for (const auto& [k, coefficient] : aggregates_[g].terms) {
    value += coefficient * intermediates[k];
  }
  return value;
}

void System::pass_unit(std::size_t u, double t, std::span<const double> y, std::span<const double> held,
                       std::span<double> intermediates, std::span<double> aggregates, bool plain) {
  const UnitPass& pass = pass_[u];
  // An inventory unit's outlets come from its states alone, unless it declares that they read its inlets
  // (an sx_cascade taking its flows from them; the order puts it after its feeders); the others' inlets are
  // copied once, after the pass, when they are current.
  for (std::size_t p = 0; pass.reads_inlets && p < wiring_.inlets[u].size(); ++p) {
    copy_stream(*streams_[wiring_.inlets[u][p]], inlet_buffers_[u][p]);
  }
  for (std::size_t i = 0; !plain && i < intermediates_of_unit_[u].size(); ++i) {
    const std::size_t k = intermediates_of_unit_[u][i];
    const detail::StreamScalarRead& read = intermediate_reads_[k];
    intermediates[k] = read_scalar(*streams_[read.stream], read);
  }
  const std::size_t count = couplings_[u] && !plain ? couplings_[u]->aggregates.size() : 0;
  if (count > 0) {
    const std::size_t first = first_aggregate_[u];
    for (std::size_t g = first; g < first + count; ++g) {
      aggregates[g] = aggregate_value(g, held, intermediates);
    }
    units_[u]->compute_outlets_aggregated(t, block(u, y), inlet_buffers_[u], aggregates.subspan(first, count),
                                          outlet_buffers_[u]);
  } else {
    units_[u]->compute_outlets(t, block(u, y), inlet_buffers_[u], outlet_buffers_[u]);
  }
  if (pass.of_time_alone) {
    outlets_time_[u] = t;
  }
}

void System::evaluate(double t, std::span<const double> y, std::span<double> f) {
  if (y.size() != size_ || f.size() != size_) {
    throw Error("System::evaluate: sizes do not match the system");
  }
  evaluate_units(t, y, {}, f, {}, {});
}

void System::evaluate_aggregated(double t, std::span<const double> y, std::span<const double> held,
                                 std::span<double> f, std::span<double> intermediates,
                                 std::span<double> aggregates) {
  check_aggregated_sizes("evaluate_aggregated", y, held, f, intermediates, aggregates);
  evaluate_units(t, y, held, f, intermediates, aggregates);
  keep_near_base(t, y, f, intermediates, aggregates);
}

void System::check_aggregated_sizes(const char* caller, std::span<const double> y,
                                    std::span<const double> held, std::span<const double> f,
                                    std::span<const double> intermediates,
                                    std::span<const double> aggregates) const {
  if (y.size() != size_ || f.size() != size_ || intermediates.size() != intermediate_count_ ||
      aggregates.size() != aggregate_count_ || (!held.empty() && held.size() != aggregate_count_)) {
    throw Error(std::string("System::") + caller + ": sizes do not match the system");
  }
}

void System::keep_near_base(double t, std::span<const double> y, std::span<const double> f,
                            std::span<const double> intermediates, std::span<const double> aggregates) {
  near_.t = t;
  near_.y.assign(y.begin(), y.end());
  near_.f.assign(f.begin(), f.end());
  near_.intermediates.assign(intermediates.begin(), intermediates.end());
  near_.aggregates.assign(aggregates.begin(), aggregates.end());
  near_.valid = true;
}

// What a changed entry reaches: an inventory unit's outlets follow its states (and its inlets, when it reads
// them); a unit without inventory's outlets follow its inlets and held aggregates; a unit's f rows follow its
// states, inlets and held aggregates. Everything else keeps the previous evaluation's values, which are the
// values it would compute again: units are functions of those inputs alone.
numerics::AggregatedValues System::evaluate_aggregated_near(double t, std::span<const double> y,
                                                            std::span<const double> held, std::span<double> f,
                                                            std::span<double> intermediates,
                                                            std::span<double> aggregates) {
  if (!near_.valid || near_.t != t || held.empty()) {
    evaluate_aggregated(t, y, held, f, intermediates, aggregates);
    return {f, intermediates, aggregates};
  }
  check_aggregated_sizes("evaluate_aggregated_near", y, held, f, intermediates, aggregates);
  near_.valid = false;  // until this evaluation completes
  const std::size_t units = units_.size();
  near_.states_changed.assign(units, 0);
  near_.inlets_changed.assign(units, 0);
  near_.outlets_changed.assign(units, 0);
  near_.stream_changed.assign(streams_.size(), 0);
  near_.aggregate_changed.assign(aggregate_count_, 0);
  for (std::size_t u = 0; u < units; ++u) {
    for (std::size_t i = offsets_[u]; i < offsets_[u] + state_sizes_[u]; ++i) {
      if (y[i] != near_.y[i]) {
        near_.states_changed[u] = 1;
        break;
      }
    }
  }
  bool any_aggregate_changed = false;
  for (std::size_t g = 0; g < aggregate_count_; ++g) {
    near_.aggregate_changed[g] = held[g] != near_.aggregates[g] ? 1 : 0;
    any_aggregate_changed = any_aggregate_changed || near_.aggregate_changed[g] != 0;
  }
  const auto any_inlet_changed = [&](std::size_t u) {
    return std::any_of(wiring_.inlets[u].begin(), wiring_.inlets[u].end(),
                       [&](std::size_t s) { return near_.stream_changed[s] != 0; });
  };
  const auto any_changed_in = [&](std::size_t first, std::size_t count) {
    return any_aggregate_changed &&
           std::any_of(near_.aggregate_changed.begin() + static_cast<std::ptrdiff_t>(first),
                       near_.aggregate_changed.begin() + static_cast<std::ptrdiff_t>(first + count),
                       [](char changed) { return changed != 0; });
  };
  for (const std::size_t u : wiring_.order) {
    const UnitPass& pass = pass_[u];
    const bool inlets_changed = any_inlet_changed(u);
    bool recompute = false;
    if (state_sizes_[u] > 0) {
      recompute = near_.states_changed[u] != 0 || (pass.reads_inlets && inlets_changed);
    } else if (!pass.of_time_alone) {
      const std::size_t count = couplings_[u] ? couplings_[u]->aggregates.size() : 0;
      recompute = inlets_changed || any_changed_in(first_aggregate_[u], count);
    }
    if (recompute) {
      pass_unit(u, t, y, held, near_.intermediates, near_.aggregates, false);
      near_.outlets_changed[u] = 1;
      for (const auto s : wiring_.outlets[u]) {
        near_.stream_changed[s] = 1;
      }
    } else if (inlets_changed) {
      for (const std::size_t k : intermediates_of_unit_[u]) {
        near_.intermediates[k] =
            read_scalar(*streams_[intermediate_reads_[k].stream], intermediate_reads_[k]);
      }
    }
  }
  for (std::size_t g = unit_aggregates_; g < aggregates_.size(); ++g) {
    near_.aggregates[g] = held[g];
  }
  for (std::size_t u = 0; u < units; ++u) {
    near_.inlets_changed[u] = any_inlet_changed(u) ? 1 : 0;
    if (pass_[u].refresh_inlets && near_.inlets_changed[u] != 0) {
      for (std::size_t p = 0; p < wiring_.inlets[u].size(); ++p) {
        copy_stream(*streams_[wiring_.inlets[u][p]], inlet_buffers_[u][p]);
      }
    }
  }
  for (std::size_t u = 0; u < units; ++u) {
    const std::size_t a = state_aggregates_of_unit_[u];
    const bool held_changed = a != none && any_changed_in(state_aggregates_[a].first_aggregate,
                                                          state_aggregates_[a].declared.aggregates.size());
    if (near_.states_changed[u] != 0 || near_.inlets_changed[u] != 0 || held_changed) {
      evaluate_unit(u, t, y, held, near_.f, near_.intermediates, near_.aggregates, false);
    }
    if (pass_[u].source_accumulator && near_.outlets_changed[u] != 0) {
      write_source_flows(u, t, near_.f);
    }
  }
  for (std::size_t g = unit_aggregates_; g < aggregates_.size(); ++g) {
    near_.f[aggregates_[g].accumulator_row] = near_.aggregates[g];  // a sink's element flow in
  }
  for (std::size_t u = 0; u < units; ++u) {
    if (near_.states_changed[u] != 0) {
      const auto first = static_cast<std::ptrdiff_t>(offsets_[u]);
      std::copy(y.begin() + first, y.begin() + first + static_cast<std::ptrdiff_t>(state_sizes_[u]),
                near_.y.begin() + first);
    }
  }
  near_.valid = true;
  return {near_.f, near_.intermediates, near_.aggregates};
}

void System::add_stream_element_flows(std::span<const Stream> streams, double* flow) {
  for (const auto& stream : streams) {
    aqueous_element_counts_.add_flows(stream.aqueous_moles.data(), flow);
    if (stream.organic_moles.size() > 0) {
      organic_element_counts_.add_flows(stream.organic_moles.data(), flow);
    }
    // Solids summed over size classes first (as Stream::element_flows): one product, not one per class.
    const Eigen::Index solids = stream.solid_moles.rows();
    std::fill(solid_totals_.begin(), solid_totals_.end(), 0.0);
    for (Eigen::Index k = 0; k < stream.solid_moles.cols(); ++k) {
      const double* column = stream.solid_moles.col(k).data();
      for (Eigen::Index i = 0; i < solids; ++i) {
        solid_totals_[static_cast<std::size_t>(i)] += column[i];
      }
    }
    if (solids > 0) {
      solid_element_counts_.add_flows(solid_totals_.data(), flow);
    }
  }
}

void System::evaluate_unit(std::size_t u, double t, std::span<const double> y, std::span<const double> held,
                           std::span<double> f, std::span<double> intermediates, std::span<double> aggregates,
                           bool plain) {
  const std::size_t n = state_sizes_[u];
  if (n == 0) {
    return;
  }
  if (const std::size_t a = state_aggregates_of_unit_[u]; a != none && !plain) {
    const UnitStateAggregates& own = state_aggregates_[a];
    const std::size_t count = own.declared.aggregates.size();
    units_[u]->evaluate_aggregated(
        t, block(u, y), inlet_buffers_[u], held.empty() ? held : held.subspan(own.first_aggregate, count),
        f.subspan(offsets_[u], n),
        intermediates.subspan(own.first_intermediate, own.declared.intermediates.size()),
        aggregates.subspan(own.first_aggregate, count));
  } else {
    units_[u]->evaluate(t, block(u, y), inlet_buffers_[u], f.subspan(offsets_[u], n));
  }
}

void System::write_source_flows(std::size_t u, double t, std::span<double> f) {
  // A source's element flows out, summed in place (Stream::element_flows would allocate).
  const auto elements = static_cast<Eigen::Index>(components_->elements().size());
  Eigen::Map<Vector> flow(f.data() + accumulator_offsets_[u], elements);
  Eigen::Map<Vector> kept(source_flows_.data() + u * static_cast<std::size_t>(elements), elements);
  const bool of_time_alone = pass_[u].of_time_alone;
  if (of_time_alone && kept_for(pass_[u], source_flow_time_[u], t)) {
    flow = kept;
    return;
  }
  flow.setZero();
  add_stream_element_flows(outlet_buffers_[u], flow.data());
  if (of_time_alone) {
    kept = flow;
    source_flow_time_[u] = t;
  }
}

void System::evaluate_units(double t, std::span<const double> y, std::span<const double> held,
                            std::span<double> f, std::span<double> intermediates,
                            std::span<double> aggregates) {
  const bool plain = held.empty() && intermediates.empty() && aggregates.empty();
  compute_streams(t, y, held, intermediates, aggregates);
  const auto elements = static_cast<Eigen::Index>(components_->elements().size());
  for (std::size_t u = 0; u < units_.size(); ++u) {
    evaluate_unit(u, t, y, held, f, intermediates, aggregates, plain);
    if (plain && accumulator_offsets_[u] != none && units_[u]->boundary() == Boundary::sink) {
      // A sink's element flows in, summed in place; the aggregated pass takes its element-flow aggregates.
      Eigen::Map<Vector> flow(f.data() + accumulator_offsets_[u], elements);
      flow.setZero();
      add_stream_element_flows(inlet_buffers_[u], flow.data());
    }
    if (pass_[u].source_accumulator) {
      write_source_flows(u, t, f);
    }
  }
  for (std::size_t g = unit_aggregates_; !plain && g < aggregates_.size(); ++g) {
    f[aggregates_[g].accumulator_row] = aggregates[g];  // a sink's element flow in
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

std::vector<bool> System::phase_split_states() const {
  std::vector<bool> split(size_, false);
  bool any = false;
  for (std::size_t u = 0; u < units_.size(); ++u) {
    const auto unit_split = units_[u]->phase_split_states();
    if (unit_split.empty()) {
      continue;
    }
    if (unit_split.size() != state_sizes_[u]) {
      throw Error("unit `" + units_[u]->name() + "`: phase_split_states() has " +
                  std::to_string(unit_split.size()) + " entries for " + std::to_string(state_sizes_[u]) +
                  " states");
    }
    std::copy(unit_split.begin(), unit_split.end(), split.begin() + static_cast<std::ptrdiff_t>(offsets_[u]));
    any = any || std::find(unit_split.begin(), unit_split.end(), true) != unit_split.end();
  }
  return any ? split : std::vector<bool>{};
}

namespace {

/// Sets of state columns, one bit per column, stored back to back in one array.
class ColumnSets {
 public:
  ColumnSets(std::size_t sets, std::size_t columns) : words_((columns + 63) / 64), bits_(sets * words_, 0) {}
  [[nodiscard]] std::size_t words() const { return words_; }
  [[nodiscard]] std::uint64_t* set(std::size_t index) { return bits_.data() + index * words_; }
  [[nodiscard]] const std::uint64_t* set(std::size_t index) const { return bits_.data() + index * words_; }
  void insert(std::size_t index, std::size_t column) {
    set(index)[column / 64] |= std::uint64_t{1} << (column % 64);
  }
  void merge_into(std::uint64_t* target, std::size_t index) const {
    const std::uint64_t* source = set(index);
    for (std::size_t w = 0; w < words_; ++w) {
      target[w] |= source[w];
    }
  }

 private:
  std::size_t words_;
  std::vector<std::uint64_t> bits_;
};

/// The ports a coupling entry names: one port, or each of `count` for StreamCoupling::every_port.
std::pair<std::size_t, std::size_t> port_range(std::size_t port, std::size_t count) {
  return port == StreamCoupling::every_port
             ? std::pair<std::size_t, std::size_t>{0, count}
             : std::pair<std::size_t, std::size_t>{port, std::min(port + 1, count)};
}

}  // namespace

numerics::SparsityPattern System::jacobian_pattern() const { return jacobian_structure().full(); }

numerics::JacobianStructure System::jacobian_structure() const {
  // Each stream scalar depends on a set of inventory-unit states and unit aggregates (bit unit_states_ + g):
  // the outlets of an inventory unit on its own states, the outlets of a unit without inventory on its inlet
  // scalars and the aggregates it declares (in wiring order, so inlets are known first). A unit's row then
  // depends on its own states and on what the inlet scalars it reads depend on. Units say which
  // (stream_coupling); those that do not are taken as dense. With the aggregates held, this is the sparse
  // part of df/dy.
  const StreamLayout layout(*components_);
  const std::size_t width = layout.size();
  ColumnSets stream_columns(streams_.size() * width, unit_states_ + unit_aggregates_);
  const std::size_t words = stream_columns.words();
  const auto scalar = [width](std::size_t stream, std::size_t component) {
    return stream * width + component;
  };
  std::vector<std::uint64_t> all_inlets(words);
  const auto union_of_inlets = [&](std::size_t u) {
    std::fill(all_inlets.begin(), all_inlets.end(), 0);
    for (const auto s : wiring_.inlets[u]) {
      for (std::size_t c = 0; c < width; ++c) {
        stream_columns.merge_into(all_inlets.data(), scalar(s, c));
      }
    }
  };

  for (const std::size_t u : wiring_.order) {
    const auto& outlets = wiring_.outlets[u];
    const auto& inlets = wiring_.inlets[u];
    const std::size_t n = units_[u]->state_size();
    if (!couplings_[u]) {
      std::vector<std::uint64_t> columns(words, 0);
      if (n > 0) {
        for (std::size_t j = 0; j < n; ++j) {
          const std::size_t column = offsets_[u] + j;
          columns[column / 64] |= std::uint64_t{1} << (column % 64);
        }
      } else {
        union_of_inlets(u);
        columns = all_inlets;
      }
      for (const auto s : outlets) {
        for (std::size_t c = 0; c < width; ++c) {
          std::copy(columns.begin(), columns.end(), stream_columns.set(scalar(s, c)));
        }
      }
      continue;
    }
    for (const auto& entry : couplings_[u]->outlet_states) {
      const auto [first, last] = port_range(entry.port, outlets.size());
      for (std::size_t p = first; p < last; ++p) {
        stream_columns.insert(scalar(outlets[p], entry.component), offsets_[u] + entry.state);
      }
    }
    for (const auto& entry : couplings_[u]->outlet_inlets) {
      const auto [first, last] = port_range(entry.port, outlets.size());
      const auto [first_in, last_in] = port_range(entry.inlet_port, inlets.size());
      for (std::size_t p = first; p < last; ++p) {
        for (std::size_t q = first_in; q < last_in; ++q) {
          stream_columns.merge_into(stream_columns.set(scalar(outlets[p], entry.component)),
                                    scalar(inlets[q], entry.inlet_component));
        }
      }
    }
    for (std::size_t a = 0; a < couplings_[u]->aggregates.size(); ++a) {
      for (const auto& [port, component] : couplings_[u]->aggregates[a].readers) {
        const auto [first, last] = port_range(port, outlets.size());
        for (std::size_t p = first; p < last; ++p) {
          stream_columns.insert(scalar(outlets[p], component), unit_states_ + first_aggregate_[u] + a);
        }
      }
    }
  }

  numerics::JacobianStructure structure;
  structure.aggregates.resize(aggregate_count_);
  std::vector<std::pair<std::size_t, std::size_t>> entries;
  // Appends row `row`'s entries for every bit in `bits`: state columns, or the aggregates it reads.
  const auto add_row = [&](std::size_t row, const std::uint64_t* bits) {
    for (std::size_t w = 0; w < words; ++w) {
      for (std::uint64_t word = bits[w]; word != 0; word &= word - 1) {
        const std::size_t column = w * 64 + static_cast<std::size_t>(std::countr_zero(word));
        if (column < unit_states_) {
          entries.emplace_back(row, column);
        } else {
          structure.aggregates[column - unit_states_].rows.push_back(row);
        }
      }
    }
  };
  std::vector<std::uint64_t> row_columns(words);
  for (std::size_t u = 0; u < units_.size(); ++u) {
    const std::size_t n = units_[u]->state_size();
    if (n == 0) {
      continue;
    }
    const auto own = units_[u]->state_pattern();
    if (own.empty()) {
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
          entries.emplace_back(offsets_[u] + i, offsets_[u] + j);
        }
      }
    } else {
      for (const auto& [row, column] : own) {
        entries.emplace_back(offsets_[u] + row, offsets_[u] + column);
      }
    }
    if (!couplings_[u]) {
      union_of_inlets(u);
      for (std::size_t i = 0; i < n; ++i) {
        add_row(offsets_[u] + i, all_inlets.data());
      }
    } else {
      std::vector<std::vector<StreamCoupling::RowOnInlet>> by_row(n);
      for (const auto& entry : couplings_[u]->rows) {
        by_row.at(entry.row).push_back(entry);
      }
      const auto& inlets = wiring_.inlets[u];
      for (std::size_t i = 0; i < n; ++i) {
        std::fill(row_columns.begin(), row_columns.end(), 0);
        for (const auto& entry : by_row[i]) {
          const auto [first, last] = port_range(entry.port, inlets.size());
          for (std::size_t q = first; q < last; ++q) {
            stream_columns.merge_into(row_columns.data(), scalar(inlets[q], entry.component));
          }
        }
        add_row(offsets_[u] + i, row_columns.data());
      }
    }
  }
  for (std::size_t i = unit_states_; i < size_; ++i) {
    entries.emplace_back(i, i);  // keeps the Newton matrix's diagonal structurally present
  }
  structure.direct = numerics::SparsityPattern::from_entries(size_, entries);

  // A sink's accumulator row is its aggregate (f = a); each intermediate reads what its stream scalar reads.
  for (std::size_t g = 0; g < aggregates_.size(); ++g) {
    auto& aggregate = structure.aggregates[g];
    if (aggregates_[g].accumulator_row != none) {
      aggregate.rows.push_back(aggregates_[g].accumulator_row);
    }
    std::sort(aggregate.rows.begin(), aggregate.rows.end());
    aggregate.rows.erase(std::unique(aggregate.rows.begin(), aggregate.rows.end()), aggregate.rows.end());
    aggregate.terms = aggregates_[g].terms;
    aggregate.scale = aggregates_[g].scale;
  }
  structure.intermediates.resize(intermediate_count_);
  // The units' own aggregates: their intermediates read the unit's states, their rows are the unit's.
  for (const UnitStateAggregates& own : state_aggregates_) {
    const std::size_t offset = offsets_[own.unit];
    for (std::size_t k = 0; k < own.declared.intermediates.size(); ++k) {
      auto& columns = structure.intermediates[own.first_intermediate + k].columns;
      for (const std::size_t column : own.declared.intermediates[k]) {
        columns.push_back(offset + column);
      }
    }
    for (std::size_t g = 0; g < own.declared.aggregates.size(); ++g) {
      const auto& declared = own.declared.aggregates[g];
      auto& aggregate = structure.aggregates[own.first_aggregate + g];
      for (const auto& [k, coefficient] : declared.terms) {
        aggregate.terms.emplace_back(own.first_intermediate + k, coefficient);
      }
      for (const std::size_t row : declared.rows) {
        aggregate.rows.push_back(offset + row);
      }
      aggregate.scale = declared.scale;
    }
  }
  for (std::size_t k = 0; k < intermediates_.size(); ++k) {
    const std::uint64_t* bits = stream_columns.set(scalar(intermediates_[k].first, intermediates_[k].second));
    for (std::size_t w = 0; w < words; ++w) {
      for (std::uint64_t word = bits[w]; word != 0; word &= word - 1) {
        const std::size_t column = w * 64 + static_cast<std::size_t>(std::countr_zero(word));
        if (column < unit_states_) {
          structure.intermediates[k].columns.push_back(column);
        } else {
          structure.intermediates[k].aggregates.push_back(column - unit_states_);
        }
      }
    }
  }
  return structure;
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

Vector System::initial_state() {
  Vector y = Vector::Zero(static_cast<Eigen::Index>(size_));
  for (std::size_t u = 0; u < units_.size(); ++u) {
    units_[u]->initial_state(std::span<double>(y.data() + offsets_[u], units_[u]->state_size()));
  }
  (void)flow_order_pass(0.0, std::span<double>(y.data(), size_), &UnitOperation::initial_state_from_inlets,
                        false);
  return y;
}

Vector System::initial_state_from(std::span<const double> unit_states,
                                  const std::vector<std::string>& names) {
  Vector y = initial_state();
  const auto own = component_names();
  if (unit_states.size() != unit_states_ || names.size() != unit_states_) {
    throw Error("initial state: " + std::to_string(unit_states.size()) +
                " unit states given for a system with " + std::to_string(unit_states_));
  }
  for (std::size_t i = 0; i < unit_states_; ++i) {
    if (names[i] != own[i]) {
      throw Error("initial state: state " + std::to_string(i) + " given (" + names[i] +
                  ") is not this system's (" + own[i] + ")");
    }
    y[static_cast<Eigen::Index>(i)] = unit_states[i];
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
