// Pieces of a dynamic flowsheet run shared by Flowsheet::simulate and tools that drive the integrator
// themselves (benchmarks with a wall-clock budget): solver options from the simulation options, the units'
// discontinuities, and stepping through them.
#pragma once

#include <cstddef>
#include <span>
#include <utility>
#include <vector>

#include "hydromet/numerics/dynamic_solver.hpp"

namespace hydromet {

class System;
struct SimulationOptions;

/// IDAS/CVODES options of a run of `system`: rtol, and atol per state as `absolute_tolerance` times the
/// state's typical scale.
[[nodiscard]] numerics::DynamicOptions dynamic_solver_options(const System& system,
                                                              const SimulationOptions& options);

/// The units' discontinuities (feed steps) strictly inside (t_begin, t_end), ascending and unique.
[[nodiscard]] std::vector<double> discontinuities_between(const System& system, double t_begin, double t_end);

/// Walks an integrator through a run's discontinuities, so that no step straddles a feed step: before
/// integrating to an output time t, pass_events_to(t, ...) stops the integrator at every event at or before
/// t and restarts it after the event.
class EventStepper {
 public:
  explicit EventStepper(std::vector<double> events) : events_(std::move(events)) {}

  /// For each event in (now, t], in order, calls stop_and_restart(event): integrate to the event, stopping
  /// there, and restart the integrator at it. Events at or before `now` are passed over.
  template <class StopAndRestart>
  void pass_events_to(double t, double now, StopAndRestart&& stop_and_restart) {
    while (next_ < events_.size() && events_[next_] <= t) {
      if (events_[next_] > now) {
        stop_and_restart(events_[next_]);
        ++restarts_;
      }
      ++next_;
    }
  }
  /// True when an event lies ahead: the integrator must then stop exactly at its output time.
  [[nodiscard]] bool events_ahead() const { return next_ < events_.size(); }
  /// The next event (events_ahead() must hold).
  [[nodiscard]] double next_event() const { return events_[next_]; }
  /// Restarts made so far.
  [[nodiscard]] long restarts() const { return restarts_; }

 private:
  std::vector<double> events_;
  std::size_t next_ = 0;
  long restarts_ = 0;
};

}  // namespace hydromet
