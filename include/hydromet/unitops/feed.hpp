// feed: a source of solution and solids, constant or following a schedule of steps and linear ramps.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hydromet/core/units.hpp"
#include "hydromet/unitops/unit_operation.hpp"

namespace hydromet {

/// Typed parameters of a feed. Concentrations and solids not listed are zero.
struct FeedParameters {
  struct Solute {
    std::string species;
    MolarConcentration concentration;
  };
  struct Solid {
    std::string mineral;
    MassFlow mass_flow;  ///< one size class for now
  };
  /// A change at time `at`: the values it names move from their value just before `at` to the new value,
  /// at once (ramp 0) or linearly over [at, at + ramp]; values it does not name keep their course.
  struct Step {
    Time at{0.0 * units::second};
    Time ramp{0.0 * units::second};
    std::optional<VolumetricFlow> flow;
    std::optional<Temperature> temperature;
    std::vector<Solute> solution;
    std::vector<Solid> solids;
  };

  Temperature temperature{298.15 * units::kelvin};
  VolumetricFlow flow{0.0 * units::cubic_meter / units::second};  ///< aqueous volumetric flow
  std::vector<Solute> solution;
  std::vector<Solid> solids;
  /// Changes in ascending `at`; a ramp must end before (or when) the next change starts.
  std::vector<Step> schedule;
};

/// Source of a stream at port `out`: aqueous flow Q(t), concentrations c_i(t) (molar flows c_i Q), solids
/// as mass flows (converted with the database molar masses, first size class), temperature T(t). Between
/// changes every value is an exact piecewise-linear function of t; discontinuities() lists the step times
/// and the start and end of every ramp, where the integrator restarts.
class Feed final : public UnitOperation {
 public:
  Feed(std::string name, FeedParameters parameters);

  [[nodiscard]] std::string_view type() const override { return "feed"; }
  [[nodiscard]] std::vector<std::string> outlet_ports() const override { return {"out"}; }
  [[nodiscard]] Boundary boundary() const override { return Boundary::source; }
  [[nodiscard]] std::vector<double> discontinuities() const override;
  [[nodiscard]] bool outlets_constant() const override { return parameters_.schedule.empty(); }
  void bind(const ComponentList& components) override;
  void compute_outlets(double t, ConstSpan y, std::span<const Stream> inlets,
                       std::span<Stream> outlets) const override;
  /// flow [m3/s], T [K], c[species] [mol/m3] for every aqueous species, solids[mineral] [kg/s] for every
  /// solid.
  [[nodiscard]] std::vector<UnitOutput> outputs(double t, ConstSpan y) const override;
  /// The values of outputs(t, y), without building the names.
  void report_values(double t, ConstSpan y, std::span<const Stream> inlets,
                     std::vector<double>& values) const override;

  /// The outlet stream at time t [s].
  [[nodiscard]] Stream stream_at(double t) const;
  /// stream_at(t) written into `stream`, reusing its storage when it is shaped for the components.
  void write_stream(double t, Stream& stream) const;
  [[nodiscard]] const FeedParameters& parameters() const { return parameters_; }

 private:
  /// One scheduled scalar: its initial value and its changes (at, ramp, value).
  struct Track {
    double initial = 0.0;
    struct Change {
      double at = 0.0;
      double ramp = 0.0;
      double value = 0.0;
    };
    std::vector<Change> changes;
    [[nodiscard]] double at(double t) const;
  };

  FeedParameters parameters_;
  Track flow_;
  Track temperature_;
  std::vector<Track> concentrations_;  // per aqueous species [mol/m3]
  std::vector<Track> solids_;          // per solid [mol/s]
};

}  // namespace hydromet
