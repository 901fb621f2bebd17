// The UnitOperation interface: ports, an optional block of states, outlets and equations.
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hydromet/core/types.hpp"
#include "hydromet/streams/component_list.hpp"
#include "hydromet/streams/stream.hpp"

namespace hydromet {

/// A named scalar a unit reports at a state, e.g. {"conversion[scheelite]", 0.93, "-"}.
struct UnitOutput {
  std::string name;
  double value = 0.0;
  std::string unit;  ///< unit of `value` as a display string ("-", "mol/m3", "kg")
};

/// Reports as a result holds them: names (each with its unit's prefix, "unit."), units and values.
struct ReportColumns {
  std::vector<std::string> names;
  std::vector<std::string> units;
  std::vector<double> values;
};

/// Structural dependences of a unit on stream scalars (see UnitOperation::stream_coupling). A port of
/// `every_port` stands for each of the unit's inlet (or outlet) ports.
struct StreamCoupling {
  static constexpr std::size_t every_port = std::numeric_limits<std::size_t>::max();
  struct RowOnInlet {
    std::size_t row;
    std::size_t port;
    std::size_t component;
  };
  struct OutletOnState {
    std::size_t port;
    std::size_t component;
    std::size_t state;
  };
  struct OutletOnInlet {
    std::size_t port;
    std::size_t component;
    std::size_t inlet_port;
    std::size_t inlet_component;
  };
  /// A scalar the unit computes as a fixed linear combination of inlet scalars, a = Σ coefficient · inlet
  /// scalar, and that outlet scalars read (e.g. a filter's cake solids mass over every size class). The
  /// flowsheet computes a itself, in the order of `terms`, and passes it to compute_outlets_aggregated; its
  /// Jacobian keeps the coupling as one rank-one term instead of a dense block (numerics::JacobianStructure).
  struct Aggregate {
    struct Term {
      std::size_t port;  ///< inlet port (not every_port)
      std::size_t component;
      double coefficient;
    };
    std::vector<Term> terms;
    std::vector<std::pair<std::size_t, std::size_t>> readers;  ///< outlet (port, component) reading a
    double scale = 1.0;                                        ///< typical size of a
  };
  std::vector<RowOnInlet> rows;
  std::vector<OutletOnState> outlet_states;
  std::vector<OutletOnInlet> outlet_inlets;
  std::vector<Aggregate> aggregates;

  /// Outlet scalar `component` of every outlet port depends on the same scalar of every inlet port.
  void pass_through(std::size_t component) {
    outlet_inlets.push_back({every_port, component, every_port, component});
  }
};

/// Sums a unit with inventory takes over many quantities it computes from its own states, that some of its
/// rows read: a leach tank's reaction total Σ_k r_k over its size classes, read by its solution rows. Each
/// aggregate a_g = Σ_k c_gk z_k is a fixed linear combination of intermediates z_k, each reading few of the
/// unit's states; the flowsheet hands them to numerics::JacobianStructure, so that the rows reading a_g cost
/// one colour instead of one per state the sum reads. state_pattern() is then df/dy with every aggregate
/// held.
struct StateAggregates {
  struct Aggregate {
    std::vector<std::pair<std::size_t, double>> terms;  ///< (intermediate k, coefficient c_k)
    std::vector<std::size_t> rows;                      ///< the unit's rows that read a_g (sorted)
    double scale = 1.0;                                 ///< typical size of a_g (sets its difference step)
  };
  std::vector<std::vector<std::size_t>>
      intermediates;  ///< per intermediate: the unit's states it reads (sorted)
  std::vector<Aggregate> aggregates;
};

/// How a unit exchanges material with the outside of the flowsheet: sources bring it in (feeds), sinks take
/// it out (products). The flowsheet integrates their element flows for the plant balance.
enum class Boundary { none, source, sink };

/// A process unit. Units with inventory own a contiguous block of the flowsheet state vector and compute
/// their outlets from that block alone; units without inventory own no states and compute their outlets
/// from their inlets. Every unit's equations are written as  M dy/dt = f(t, y, inlets)  with M = diag(1 for
/// differential rows, 0 for algebraic rows).
class UnitOperation {
 public:
  explicit UnitOperation(std::string name) : name_(std::move(name)) {}
  virtual ~UnitOperation() = default;
  UnitOperation(const UnitOperation&) = delete;
  UnitOperation& operator=(const UnitOperation&) = delete;

  [[nodiscard]] const std::string& name() const { return name_; }
  /// The YAML `type:` of the unit, e.g. "leach_tank".
  [[nodiscard]] virtual std::string_view type() const = 0;

  [[nodiscard]] virtual std::vector<std::string> inlet_ports() const { return {}; }
  [[nodiscard]] virtual std::vector<std::string> outlet_ports() const { return {}; }
  [[nodiscard]] virtual Boundary boundary() const { return Boundary::none; }
  /// Times [s] at which the unit's inputs jump (feed steps); the integrator stops and restarts there.
  [[nodiscard]] virtual std::vector<double> discontinuities() const { return {}; }
  /// true when the outlets of a unit without states and inlets do not depend on t either (a feed without a
  /// schedule): the flowsheet computes them once. Default false.
  [[nodiscard]] virtual bool outlets_constant() const { return false; }

  /// Resolves species names against the flowsheet's components; called once before any solve.
  virtual void bind(const ComponentList& components) = 0;

  [[nodiscard]] virtual std::size_t state_size() const { return 0; }
  virtual void initial_state(MutableSpan y) const { (void)y; }
  [[nodiscard]] virtual std::vector<bool> differential_rows() const {
    return std::vector<bool>(state_size(), true);
  }
  /// Algebraic states that only split a differential total of the unit between phases (a metal between the
  /// free ion and its complex at equilibrium): their errors are the total's, which the integrator tests, plus
  /// Newton noise, so they are left out of the local error test. Empty: none.
  [[nodiscard]] virtual std::vector<bool> phase_split_states() const { return {}; }
  /// Re-solves the phase_split_states() of state y in place from the unit's other states and its inlets, as
  /// its algebraic rows have them. Between integrator steps they are interpolated without error control;
  /// the flowsheet settles them at each output. Returns whether anything was re-solved (default: nothing).
  virtual bool settle_phase_split(std::span<const Stream> inlets, MutableSpan y) const {
    (void)inlets, (void)y;
    return false;
  }
  /// Name of state `index` within the unit, e.g. "n[WO4-2]" (the flowsheet prefixes the unit name).
  [[nodiscard]] virtual std::string state_name(std::size_t index) const {
    return "y[" + std::to_string(index) + "]";
  }
  /// Typical magnitude of state `index` (absolute tolerances scale with it).
  [[nodiscard]] virtual double state_scale(std::size_t index) const {
    (void)index;
    return 1.0;
  }

  /// Structural nonzeros (row, column) of df/dy within the unit's own block, both indices in the block, in
  /// any order and possibly repeated (the flowsheet sorts and merges them); empty (the default) means dense.
  /// Dependences on inlet streams are declared by stream_coupling().
  [[nodiscard]] virtual std::vector<std::pair<std::size_t, std::size_t>> state_pattern() const { return {}; }

  /// Aggregates over the unit's own intermediates (StateAggregates); none by default. A unit that declares
  /// some implements evaluate_aggregated.
  [[nodiscard]] virtual StateAggregates state_aggregates() const { return {}; }

  /// Which inlet-stream scalars each of the unit's rows reads, and what each outlet-stream scalar is computed
  /// from (positions as in StreamLayout). The flowsheet chains these through the streams into its Jacobian
  /// pattern. std::nullopt (the default) means dense: every row reads every inlet scalar, and every outlet
  /// scalar depends on every state (units with inventory) or every inlet scalar (units without).
  [[nodiscard]] virtual std::optional<StreamCoupling> stream_coupling() const { return std::nullopt; }

  /// Steady-state starting guess: sets the unit's states from its inlets as if it were filled with what
  /// flows in (a tank: holdup = inflow x residence time, outflow = inflow). Returns false when the unit has
  /// no such guess (its initial state is used).
  virtual bool fill_from_inlets(double t, std::span<const Stream> inlets, MutableSpan y) const {
    (void)t, (void)inlets, (void)y;
    return false;
  }

  /// Initial state that depends on what flows in at t = 0, e.g. a tank started full of its feed slurry:
  /// called after initial_state() in flow order, with the inlets computed from the upstream units' initial
  /// states. Returns false (the default) when the unit's initial state does not depend on its inlets.
  virtual bool initial_state_from_inlets(double t, std::span<const Stream> inlets, MutableSpan y) const {
    (void)t, (void)inlets, (void)y;
    return false;
  }

  /// Outlet streams at time t [s] from the unit's states (inventory units) or its inlets (the others). An
  /// inventory unit whose outlets also read its inlets declares it (StreamCoupling::outlet_inlets): the
  /// flowsheet then computes its inlets first.
  virtual void compute_outlets(double t, ConstSpan y, std::span<const Stream> inlets,
                               std::span<Stream> outlets) const {
    (void)t, (void)y, (void)inlets, (void)outlets;
  }
  /// Outlets when the unit declares aggregates (StreamCoupling::aggregates): `aggregates` holds their values
  /// in declaration order, computed by the flowsheet from the declared terms or held fixed by it while it
  /// differences the Jacobian. Must equal compute_outlets when the values are the declared sums. Default:
  /// compute_outlets.
  virtual void compute_outlets_aggregated(double t, ConstSpan y, std::span<const Stream> inlets,
                                          std::span<const double> aggregates,
                                          std::span<Stream> outlets) const {
    (void)aggregates;
    compute_outlets(t, y, inlets, outlets);
  }
  /// f for the unit's block.
  virtual void evaluate(double t, ConstSpan y, std::span<const Stream> inlets, MutableSpan f) const {
    (void)t, (void)y, (void)inlets, (void)f;
  }

  /// f for the unit's block as evaluate() computes it, also writing the declared intermediates and the
  /// aggregates used (state_aggregates()); with `held` non-empty the aggregates are held at those values
  /// instead of their sums. Must equal evaluate() when `held` is empty. Default: evaluate().
  virtual void evaluate_aggregated(double t, ConstSpan y, std::span<const Stream> inlets,
                                   std::span<const double> held, MutableSpan f, MutableSpan intermediates,
                                   MutableSpan aggregates) const {
    (void)held, (void)intermediates, (void)aggregates;
    evaluate(t, y, inlets, f);
  }

  /// Amount of each element held in the unit [mol], ordered as ComponentList::elements().
  [[nodiscard]] virtual Vector element_inventory(ConstSpan y) const;
  /// Scalars reported at a state, given the unit's inlet streams; units without inventory report from their
  /// inlets. Defaults to outputs(t, y). The list must be the same at every state.
  [[nodiscard]] virtual std::vector<UnitOutput> report(double t, ConstSpan y,
                                                       std::span<const Stream> inlets) const {
    (void)inlets;
    return outputs(t, y);
  }
  /// The values of report(t, y, inlets), in its order, appended to `values`: the flowsheet takes the names
  /// once and then only the values at every output time. The default calls report(); units with long reports
  /// override it so as not to build every name again.
  virtual void report_values(double t, ConstSpan y, std::span<const Stream> inlets,
                             std::vector<double>& values) const;
  /// report(t, y, inlets) appended to `columns`, each name after `prefix`. The default calls report(); units
  /// with long reports override it to build each name once.
  virtual void append_report(double t, ConstSpan y, std::span<const Stream> inlets, std::string_view prefix,
                             ReportColumns& columns) const;
  /// Scalars reported at a state (conversions, concentrations, ...).
  [[nodiscard]] virtual std::vector<UnitOutput> outputs(double t, ConstSpan y) const {
    (void)t, (void)y;
    return {};
  }

 protected:
  const ComponentList* components_ = nullptr;  ///< set by bind()

 private:
  std::string name_;
};

/// Coupling of units whose outlets are their mixed inlets, scalar by scalar (mixers, splitters, ...): each
/// outlet scalar reads the same scalar of every inlet, and the temperature also the aqueous flows (the mixing
/// weights). Units add their own dependences on top.
[[nodiscard]] StreamCoupling mixing_coupling(const ComponentList& components);

/// Inlet port names of a unit with `count` inlets: `in` for one, `in1`..`inN` for more.
[[nodiscard]] std::vector<std::string> inlet_port_names(std::size_t count);

/// A unit without inventory that reports from its inlet streams alone (mixers, splitters, separators, ...).
class StreamReportingUnit : public UnitOperation {
 public:
  using UnitOperation::UnitOperation;

  /// Scalars reported from the unit's inlets at time t [s]; the same list for every inlet state.
  [[nodiscard]] virtual std::vector<UnitOutput> stream_outputs(double t,
                                                               std::span<const Stream> inlets) const = 0;
  [[nodiscard]] std::vector<UnitOutput> report(double t, ConstSpan y,
                                               std::span<const Stream> inlets) const final {
    (void)y;
    return stream_outputs(t, inlets);
  }
};

}  // namespace hydromet
