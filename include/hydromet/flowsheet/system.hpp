// System: a validated flowsheet as one state vector and one residual function M dy/dt = f(t, y).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "hydromet/core/types.hpp"
#include "hydromet/numerics/system.hpp"
#include "hydromet/streams/stream.hpp"
#include "hydromet/unitops/unit_operation.hpp"

namespace hydromet {

/// Assembles units into contiguous state blocks and evaluates all of them in one pass: outlets of
/// inventory units from their states, then outlets of the other units in topological order of the graph
/// cut at inventory units, then every unit's block of f from its inlets.
class System final : public numerics::SemiExplicitSystem {
 public:
  /// `units` in flowsheet order; `inlet_streams[u][p]` is the index into the stream list feeding inlet p of
  /// unit u; `outlet_streams[u][p]` the stream written by outlet p of unit u.
  System(std::vector<const UnitOperation*> units, std::vector<std::vector<std::size_t>> inlet_streams,
         std::vector<std::vector<std::size_t>> outlet_streams, std::vector<std::size_t> evaluation_order,
         const ComponentList& components);

  [[nodiscard]] std::size_t size() const override { return size_; }
  void evaluate(double t, std::span<const double> y, std::span<double> f) override;
  [[nodiscard]] std::vector<bool> differential_rows() const override;
  [[nodiscard]] numerics::SparsityPattern jacobian_pattern() const override;
  [[nodiscard]] std::string component_name(std::size_t index) const override;

  [[nodiscard]] Vector initial_state() const;
  /// Typical magnitude of every state, for absolute tolerances.
  [[nodiscard]] Vector state_scales() const;
  [[nodiscard]] std::size_t offset(std::size_t unit) const { return offsets_[unit]; }
  [[nodiscard]] std::span<const double> block(std::size_t unit, std::span<const double> y) const;
  /// Plant element inventory at state y [mol].
  [[nodiscard]] Vector element_inventory(std::span<const double> y) const;

 private:
  void compute_streams(double t, std::span<const double> y);

  std::vector<const UnitOperation*> units_;
  std::vector<std::vector<std::size_t>> inlet_streams_;
  std::vector<std::vector<std::size_t>> outlet_streams_;
  std::vector<std::size_t> evaluation_order_;
  const ComponentList* components_;
  std::vector<std::size_t> offsets_;
  std::size_t size_ = 0;
  std::vector<Stream> streams_;
  std::vector<std::vector<Stream>> inlet_buffers_;
  std::vector<std::vector<Stream>> outlet_buffers_;
};

}  // namespace hydromet
