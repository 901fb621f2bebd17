// System: a validated flowsheet as one state vector and one residual function M dy/dt = f(t, y).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "hydromet/core/types.hpp"
#include "hydromet/numerics/system.hpp"
#include "hydromet/streams/stream.hpp"
#include "hydromet/unitops/unit_operation.hpp"

namespace hydromet {

/// How units are wired: for unit u, `inlets[u][p]` is the stream feeding its inlet port p and
/// `outlets[u][p]` the stream its outlet port p writes; streams are numbered 0..stream_count-1.
struct Wiring {
  std::vector<std::vector<std::size_t>> inlets;
  std::vector<std::vector<std::size_t>> outlets;
  std::size_t stream_count = 0;
  /// Units in evaluation order: inventory units first, then the others (and inventory units whose outlets
  /// also read their inlets, StreamCoupling::outlet_inlets) topologically sorted.
  std::vector<std::size_t> order;
};

namespace detail {
/// A stream scalar (StreamLayout component) of stream `stream`, resolved to its field and index.
struct StreamScalarRead {
  enum class Field : unsigned char { temperature, aqueous_flow, organic_flow, aqueous, organic, solid };
  std::size_t stream = 0;
  Field field = Field::temperature;
  Eigen::Index index = 0;  ///< into the field's data(): the species, or solid + size class × solids
};
}  // namespace detail

/// Assembles units into contiguous state blocks and evaluates them in one pass: outlets of inventory units
/// from their states, outlets of the other units in topological order, then every unit's block of f.
/// With `accumulators`, each source and sink unit gets one extra state per element, the integral of its
/// element flow out (source) or in (sink), so that a dynamic run reports exact plant balances; a steady
/// solve leaves them out.
class System final : public numerics::SemiExplicitSystem {
 public:
  System(std::vector<const UnitOperation*> units, Wiring wiring, const ComponentList& components,
         bool accumulators);
  // The stream table points into the outlet buffers: a copy would point into the original. A move keeps the
  // buffers where they are.
  System(const System&) = delete;
  System& operator=(const System&) = delete;
  System(System&&) noexcept = default;
  System& operator=(System&&) noexcept = default;
  ~System() override = default;

  [[nodiscard]] std::size_t size() const override { return size_; }
  void evaluate(double t, std::span<const double> y, std::span<double> f) override;
  [[nodiscard]] std::vector<bool> differential_rows() const override;
  /// The units' phase_split_states() over the whole state vector; empty when no unit has any.
  [[nodiscard]] std::vector<bool> phase_split_states() const;
  /// The full pattern of df/dy (jacobian_structure().full()).
  [[nodiscard]] numerics::SparsityPattern jacobian_pattern() const override;
  /// df/dy's sparse part with the aggregates held, and the aggregates: those units declare
  /// (StreamCoupling::aggregates, e.g. a filter's cake solids mass) and, with accumulators, each sink's
  /// element flows (sums over every species and size class of its inlets), whose intermediates are inlet
  /// scalars; then the aggregates units with inventory declare over their own intermediates
  /// (UnitOperation::state_aggregates, e.g. a leach tank's reaction totals).
  [[nodiscard]] numerics::JacobianStructure jacobian_structure() const override;
  /// Re-evaluates only the units the changed entries of y and held reach, from the streams, f, intermediates
  /// and aggregates kept from the previous aggregated evaluation, and returns views of those kept values (a
  /// full evaluation into the buffers passed in when nothing is kept).
  numerics::AggregatedValues evaluate_aggregated_near(double t, std::span<const double> y,
                                                      std::span<const double> held, std::span<double> f,
                                                      std::span<double> intermediates,
                                                      std::span<double> aggregates) override;
  void evaluate_aggregated(double t, std::span<const double> y, std::span<const double> held,
                           std::span<double> f, std::span<double> intermediates,
                           std::span<double> aggregates) override;
  [[nodiscard]] std::string component_name(std::size_t index) const override;
  /// Every component's name, in order (one pass; component_name() searches the blocks).
  [[nodiscard]] std::vector<std::string> component_names() const;

  /// The units' initial states, then one pass in flow order in which units whose start depends on their
  /// inlets (initial_state_from_inlets) take them from the upstream units' initial outlets at t = 0.
  [[nodiscard]] Vector initial_state();
  /// initial_state() with the units' states replaced by `unit_states`, a solution of this flowsheet's steady
  /// system (the same units in the same order, no accumulators) whose states are named `names`; the
  /// accumulators start at 0. Throws when the names are not this system's.
  [[nodiscard]] Vector initial_state_from(std::span<const double> unit_states,
                                          const std::vector<std::string>& names);
  /// Typical magnitude of every state, for absolute tolerances.
  [[nodiscard]] Vector state_scales() const;
  /// Number of states owned by units (accumulators excluded).
  [[nodiscard]] std::size_t unit_state_count() const { return unit_states_; }
  [[nodiscard]] std::span<const double> block(std::size_t unit, std::span<const double> y) const;
  /// Position of unit `unit`'s first state in y.
  [[nodiscard]] std::size_t offset(std::size_t unit) const { return offsets_[unit]; }
  /// Plant element inventory held in units at state y [mol].
  [[nodiscard]] Vector element_inventory(std::span<const double> y) const;
  /// Integrated element flow of boundary unit `unit` at state y [mol] (zero when it has none).
  [[nodiscard]] Vector accumulated(std::size_t unit, std::span<const double> y) const;

  /// Computes every stream at (t, y); afterwards stream() and the inlet/outlet views hold them.
  void compute_streams(double t, std::span<const double> y);
  /// Stream `index` (the flowsheet's connection order), as last computed or set.
  [[nodiscard]] const Stream& stream(std::size_t index) const { return *streams_[index]; }
  [[nodiscard]] std::size_t stream_count() const { return streams_.size(); }
  [[nodiscard]] const std::vector<Stream>& inlets_of(std::size_t unit) const { return inlet_buffers_[unit]; }
  [[nodiscard]] const std::vector<Stream>& outlets_of(std::size_t unit) const {
    return outlet_buffers_[unit];
  }
  [[nodiscard]] const std::vector<const UnitOperation*>& units() const { return units_; }

  /// One Gauss-Seidel pass of successive substitution for a steady-state guess: units in flow order (breadth
  /// first from the sources), or against it with `reverse`, each inventory unit filled from its current
  /// inlets (fill_from_inlets), each unit's outlets recomputed at once. Alternating the direction carries
  /// what flows against the flow order (the organic of a counter-current chain of stages) through the whole
  /// chain in one pass instead of one unit per pass. Returns false when no unit could be filled.
  bool substitution_pass(double t, std::span<double> y, bool reverse = false);
  /// What each unit's last fill in the passes of one steady guess started from and gave. A unit whose inlets,
  /// state block and t are what they were at its last fill would be filled to the same block again, so the
  /// pass skips the fill (the units upstream of every recycle, whose inlets stop changing after the first
  /// pass). Owned by the caller, for passes in which nothing else changes a unit (its parameters).
  struct FillMemory {
    struct Fill {
      bool filled = false;  // what it returned
      double t = 0.0;
      std::vector<Stream> inlets;
      std::vector<double> block;  // the block it left; empty: no fill recorded (units filled have states)
    };
    std::vector<Fill> units;
  };
  bool substitution_pass(double t, std::span<double> y, bool reverse, FillMemory& memory);
  /// Streams a pass along the flow order reads before it computes them: the tears of its recycles.
  [[nodiscard]] std::vector<std::size_t> torn_streams() const;
  /// Replaces stream `index` until it is next computed (a steady guess's accelerated tear).
  void set_stream(std::size_t index, const Stream& stream);

 private:
  /// Fills every inventory unit through `fill` from its current inlets, and computes every unit's outlets,
  /// unit by unit in flow order (against it with `reverse`). Returns whether any unit was filled.
  bool flow_order_pass(double t, std::span<double> y,
                       bool (UnitOperation::*fill)(double, std::span<const Stream>, MutableSpan) const,
                       bool reverse, FillMemory* memory = nullptr);
  /// Every stream at (t, y), with the aggregates held at `held` (empty: computed from the intermediates),
  /// recording the intermediates and aggregates used. With all three empty, the plain pass: units compute
  /// their aggregates themselves (compute_outlets), and no intermediate is read.
  void compute_streams(double t, std::span<const double> y, std::span<const double> held,
                       std::span<double> intermediates, std::span<double> aggregates);
  /// Unit u's rows of f (and, in the aggregated pass, the intermediates and aggregates of its own states).
  void evaluate_unit(std::size_t u, double t, std::span<const double> y, std::span<const double> held,
                     std::span<double> f, std::span<double> intermediates, std::span<double> aggregates,
                     bool plain);
  /// Source u's accumulator rows of f: its outlets' element flows (kept per t when they depend on t alone).
  void write_source_flows(std::size_t u, double t, std::span<double> f);
  /// f at (t, y) as evaluate_aggregated computes it; plain (see compute_streams) when the spans are empty.
  void evaluate_units(double t, std::span<const double> y, std::span<const double> held, std::span<double> f,
                      std::span<double> intermediates, std::span<double> aggregates);
  /// Adds the element flows of `streams` to `flow` (elements() entries), solids summed over size classes
  /// first.
  void add_stream_element_flows(std::span<const Stream> streams, double* flow);
  /// Collects the units' aggregates and the sinks' element-flow aggregates with their intermediates.
  void collect_aggregates(bool accumulators);
  /// Fills pass_: what compute_streams does for each unit.
  void plan_stream_pass();

  /// An aggregate a = Σ coefficient · intermediate: a unit's (passed to its compute_outlets_aggregated) or a
  /// sink's element flow (its accumulator row, f = a).
  struct FlowsheetAggregate {
    std::vector<std::pair<std::size_t, double>> terms;  // (intermediate, coefficient)
    double scale = 1.0;
    std::size_t accumulator_row;  // npos for a unit's aggregate
  };

  std::vector<const UnitOperation*> units_;
  Wiring wiring_;
  const ComponentList* components_;
  std::vector<std::size_t> offsets_;
  std::vector<std::size_t> state_sizes_;          // per unit, its state_size()
  std::vector<std::size_t> accumulator_offsets_;  // per unit; npos when none
  std::size_t unit_states_ = 0;
  std::size_t size_ = 0;
  std::vector<std::vector<Stream>> inlet_buffers_;
  // Where units write their outlets: the streams themselves, which streams_ points at by stream index.
  std::vector<std::vector<Stream>> outlet_buffers_;
  std::vector<Stream*> streams_;
  std::vector<std::size_t> flow_order_;  // breadth first from the sources, for substitution passes
  std::vector<std::optional<StreamCoupling>> couplings_;            // each unit's stream_coupling()
  std::vector<std::pair<std::size_t, std::size_t>> intermediates_;  // (stream, StreamLayout component)
  // Where each intermediate sits in its stream, resolved once (the pass reads thousands per evaluation).
  std::vector<detail::StreamScalarRead> intermediate_reads_;
  std::vector<std::vector<std::size_t>> intermediates_of_unit_;  // read once unit u's inlets are computed
  std::vector<FlowsheetAggregate> aggregates_;  // the units' (in evaluation order), then the sinks'
  std::vector<std::size_t> first_aggregate_;    // per unit, its first aggregate
  std::size_t unit_aggregates_ = 0;
  // Units with inventory that declare aggregates over their own intermediates (state_aggregates): they come
  // after the stream intermediates and all of aggregates_, unit by unit.
  struct UnitStateAggregates {
    std::size_t unit;
    StateAggregates declared;
    std::size_t first_intermediate;
    std::size_t first_aggregate;
  };
  std::vector<UnitStateAggregates> state_aggregates_;
  std::vector<std::size_t> state_aggregates_of_unit_;  // per unit, its index in state_aggregates_ or npos
  std::size_t intermediate_count_ = 0;                 // stream and unit intermediates
  std::size_t aggregate_count_ = 0;                    // aggregates_ and the units' state aggregates
  // A source without inlets or states: its element flow depends on t alone, kept for the last t it was
  // computed at (a finite-difference Jacobian evaluates f over and over at one t).
  std::vector<double> source_flow_time_;  // per unit; NaN when not computed
  std::vector<double> source_flows_;      // per unit, elements() entries (at accumulator_offsets_ order)
  std::vector<double> solid_totals_;      // scratch: a stream's solids summed over size classes
  /// The nonzeros of an element-composition matrix by element (row), each row's species in column order.
  struct ElementCounts {
    std::vector<std::size_t> row_start;  // elements + 1 entries
    std::vector<std::size_t> species;
    std::vector<double> counts;
    explicit ElementCounts(const Matrix& matrix);
    /// flow += matrix · amounts, each row summed from 0 in column order (as Eigen's product sums it).
    void add_flows(const double* amounts, double* flow) const;
  };
  ElementCounts aqueous_element_counts_;
  ElementCounts organic_element_counts_;
  ElementCounts solid_element_counts_;
  // Per unit, for compute_streams: whether its inlets are copied before its outlets are computed (units
  // without inventory, and inventory units whose outlets read them), whether they are copied again after the
  // pass (an inventory unit computed before a unit feeding it), and whether its outlets depend on t alone (no
  // states, no inlets: feeds), in which case they are recomputed only when t changes (outlets_time_, NaN
  // when unknown; reset when a stream is set or a substitution pass runs).
  struct UnitPass {
    bool reads_inlets = false;
    bool refresh_inlets = false;
    bool of_time_alone = false;
    bool constant_outlets = false;    // of time alone, and not of t either (UnitOperation::outlets_constant)
    bool source_accumulator = false;  // a source with accumulators: f holds its element flows out
  };
  std::vector<UnitPass> pass_;
  /// Whether what a unit of time alone computed at `computed_at` (NaN: nothing kept) holds at t.
  [[nodiscard]] static bool kept_for(const UnitPass& pass, double computed_at, double t);
  std::vector<double> outlets_time_;

  /// The last aggregated evaluation, from which evaluate_aggregated_near starts: valid only while the streams
  /// hold its values (any other pass clears it).
  struct NearBase {
    bool valid = false;
    double t = 0.0;
    std::vector<double> y;
    std::vector<double> f;
    std::vector<double> intermediates;
    std::vector<double> aggregates;  // the values used (held or summed)
    // Scratch of one near evaluation, per unit and per stream.
    std::vector<char> states_changed;
    std::vector<char> inlets_changed;
    std::vector<char> outlets_changed;
    std::vector<char> stream_changed;
    std::vector<char> aggregate_changed;
  };
  NearBase near_;
  void check_aggregated_sizes(const char* caller, std::span<const double> y, std::span<const double> held,
                              std::span<const double> f, std::span<const double> intermediates,
                              std::span<const double> aggregates) const;
  void keep_near_base(double t, std::span<const double> y, std::span<const double> f,
                      std::span<const double> intermediates, std::span<const double> aggregates);
  [[nodiscard]] double aggregate_value(std::size_t g, std::span<const double> held,
                                       std::span<const double> intermediates) const;
  /// Unit u's step of the stream pass (inlets, intermediates, aggregates, outlets), as compute_streams does
  /// it.
  void pass_unit(std::size_t u, double t, std::span<const double> y, std::span<const double> held,
                 std::span<double> intermediates, std::span<double> aggregates, bool plain);
};

}  // namespace hydromet
