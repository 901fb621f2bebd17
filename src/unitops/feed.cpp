// Feed with a schedule of steps and ramps.
#include "hydromet/unitops/feed.hpp"

#include <algorithm>
#include <cmath>

#include "hydromet/core/error.hpp"

namespace hydromet {
namespace {

bool finite_nonnegative(double value) { return std::isfinite(value) && value >= 0.0; }

}  // namespace

double Feed::Track::at(double t) const {
  double value = initial;
  for (const auto& change : changes) {
    if (t < change.at) {
      break;
    }
    if (change.ramp > 0.0 && t < change.at + change.ramp) {
      return value + (change.value - value) * (t - change.at) / change.ramp;
    }
    value = change.value;
  }
  return value;
}

Feed::Feed(std::string name, FeedParameters parameters)
    : UnitOperation(std::move(name)), parameters_(std::move(parameters)) {
  const std::string where = "feed `" + this->name() + "`";
  auto check_state = [&](const std::optional<Temperature>& temperature,
                         const std::optional<VolumetricFlow>& flow,
                         const std::vector<FeedParameters::Solute>& solution,
                         const std::vector<FeedParameters::Solid>& solids, const std::string& when) {
    if (temperature && !(std::isfinite(temperature->value()) && temperature->value() > 0.0)) {
      throw InputError(where + when + ": temperature must be above 0 K");
    }
    if (flow && !finite_nonnegative(flow->value())) {
      throw InputError(where + when + ": flow must be >= 0");
    }
    for (const auto& solute : solution) {
      if (!finite_nonnegative(solute.concentration.value())) {
        throw InputError(where + when + ": concentration of `" + solute.species + "` must be >= 0");
      }
    }
    for (const auto& solid : solids) {
      if (!finite_nonnegative(solid.mass_flow.value())) {
        throw InputError(where + when + ": mass flow of `" + solid.mineral + "` must be >= 0");
      }
    }
  };
  check_state(parameters_.temperature, parameters_.flow, parameters_.solution, parameters_.solids, "");
  for (std::size_t k = 0; k < parameters_.schedule.size(); ++k) {
    const auto& step = parameters_.schedule[k];
    const std::string when = " (schedule step at " + std::to_string(step.at.value()) + " s)";
    check_state(step.temperature, step.flow, step.solution, step.solids, when);
    if (!finite_nonnegative(step.at.value()) || !finite_nonnegative(step.ramp.value())) {
      throw InputError(where + when + ": `at` and `ramp` must be >= 0");
    }
    if (k > 0) {
      const auto& previous = parameters_.schedule[k - 1];
      if (!(step.at.value() > previous.at.value() &&
            step.at.value() >= previous.at.value() + previous.ramp.value())) {
        throw InputError(where + when +
                         ": schedule steps must be in ascending time, each after the previous ramp");
      }
    }
  }
}

std::vector<double> Feed::discontinuities() const {
  std::vector<double> times;
  for (const auto& step : parameters_.schedule) {
    times.push_back(step.at.value());
    if (step.ramp.value() > 0.0) {
      times.push_back(step.at.value() + step.ramp.value());
    }
  }
  times.erase(std::unique(times.begin(), times.end()), times.end());
  return times;
}

void Feed::bind(const ComponentList& components) {
  components_ = &components;
  const std::string where = "feed `" + name() + "`";
  flow_ = {parameters_.flow.value(), {}};
  temperature_ = {parameters_.temperature.value(), {}};
  concentrations_.assign(components.aqueous_count(), Track{});
  solids_.assign(components.solid_count(), Track{});
  auto apply = [&](const std::vector<FeedParameters::Solute>& solution,
                   const std::vector<FeedParameters::Solid>& solids, const FeedParameters::Step* step) {
    for (const auto& solute : solution) {
      auto& track = concentrations_[components.aqueous_index(solute.species, where)];
      if (step == nullptr) {
        track.initial = solute.concentration.value();
      } else {
        track.changes.push_back({step->at.value(), step->ramp.value(), solute.concentration.value()});
      }
    }
    for (const auto& solid : solids) {
      const auto index = components.solid_index(solid.mineral, where);
      const double moles = solid.mass_flow.value() / components.solid(index).molar_mass();
      if (step == nullptr) {
        solids_[index].initial = moles;
      } else {
        solids_[index].changes.push_back({step->at.value(), step->ramp.value(), moles});
      }
    }
  };
  apply(parameters_.solution, parameters_.solids, nullptr);
  for (const auto& step : parameters_.schedule) {
    apply(step.solution, step.solids, &step);
    if (step.flow) {
      flow_.changes.push_back({step.at.value(), step.ramp.value(), step.flow->value()});
    }
    if (step.temperature) {
      temperature_.changes.push_back({step.at.value(), step.ramp.value(), step.temperature->value()});
    }
  }
}

Stream Feed::stream_at(double t) const {
  Stream stream = Stream::empty(*components_);
  write_stream(t, stream);
  return stream;
}

void Feed::write_stream(double t, Stream& stream) const {
  const auto aqueous = static_cast<Eigen::Index>(concentrations_.size());
  const auto solids = static_cast<Eigen::Index>(solids_.size());
  if (stream.aqueous_moles.size() != aqueous || stream.solid_moles.rows() != solids ||
      stream.organic_moles.size() != static_cast<Eigen::Index>(components_->organic_count()) ||
      stream.solid_moles.cols() != static_cast<Eigen::Index>(components_->size_class_count())) {
    stream = Stream::empty(*components_);
  }
  stream.temperature = temperature_.at(t);
  stream.aqueous_flow = flow_.at(t);
  stream.organic_flow = 0.0;
  stream.organic_moles.setZero();
  stream.solid_moles.setZero();
  for (Eigen::Index i = 0; i < aqueous; ++i) {
    stream.aqueous_moles[i] = concentrations_[static_cast<std::size_t>(i)].at(t) * stream.aqueous_flow;
  }
  for (Eigen::Index s = 0; s < solids; ++s) {
    stream.solid_moles(s, 0) = solids_[static_cast<std::size_t>(s)].at(t);
  }
}

void Feed::compute_outlets(double t, ConstSpan y, std::span<const Stream> inlets,
                           std::span<Stream> outlets) const {
  (void)y, (void)inlets;
  write_stream(t, outlets[0]);  // in place: no allocation per evaluation
}

std::vector<UnitOutput> Feed::outputs(double t, ConstSpan y) const {
  (void)y;
  std::vector<UnitOutput> result;
  result.push_back({"flow", flow_.at(t), "m3/s"});
  result.push_back({"T", temperature_.at(t), "K"});
  for (std::size_t i = 0; i < concentrations_.size(); ++i) {
    result.push_back({"c[" + components_->aqueous(i).name + "]", concentrations_[i].at(t), "mol/m3"});
  }
  for (std::size_t s = 0; s < solids_.size(); ++s) {
    result.push_back({"solids[" + components_->solid(s).name + "]",
                      solids_[s].at(t) * components_->solid(s).molar_mass(), "kg/s"});
  }
  return result;
}

void Feed::report_values(double t, ConstSpan y, std::span<const Stream> inlets,
                         std::vector<double>& values) const {
  (void)y, (void)inlets;
  values.push_back(flow_.at(t));
  values.push_back(temperature_.at(t));
  for (const auto& track : concentrations_) {
    values.push_back(track.at(t));
  }
  for (std::size_t s = 0; s < solids_.size(); ++s) {
    values.push_back(solids_[s].at(t) * components_->solid(s).molar_mass());
  }
}

}  // namespace hydromet
