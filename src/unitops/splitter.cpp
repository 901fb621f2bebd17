// Stream splitter by fractions or by a flow set point.
#include "hydromet/unitops/splitter.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "hydromet/core/error.hpp"

namespace hydromet {

Splitter::Splitter(std::string name, SplitterParameters parameters)
    : StreamReportingUnit(std::move(name)), parameters_(std::move(parameters)) {
  const std::string where = "splitter `" + this->name() + "`";
  if (parameters_.set_point.has_value() == !parameters_.fractions.empty()) {
    throw InputError(where + ": give either split fractions or a flow set point");
  }
  if (parameters_.set_point) {
    const auto& set_point = *parameters_.set_point;
    if (!(std::isfinite(set_point.flow.value()) && set_point.flow.value() >= 0.0)) {
      throw InputError(where + ": set-point flow must be >= 0");
    }
    if (set_point.outlet.empty() || set_point.remainder.empty() || set_point.outlet == set_point.remainder) {
      throw InputError(where + ": a set point needs two different outlets");
    }
    outlets_ = {set_point.outlet, set_point.remainder};
    return;
  }
  double sum = 0.0;
  for (const auto& fraction : parameters_.fractions) {
    if (!(fraction.fraction >= 0.0 && fraction.fraction <= 1.0)) {
      throw InputError(where + ": fraction of `" + fraction.outlet + "` must be from 0 to 1");
    }
    if (std::find(outlets_.begin(), outlets_.end(), fraction.outlet) != outlets_.end()) {
      throw InputError(where + ": outlet `" + fraction.outlet + "` is listed twice");
    }
    outlets_.push_back(fraction.outlet);
    sum += fraction.fraction;
  }
  if (!(std::abs(sum - 1.0) <= 1e-12)) {
    std::ostringstream text;
    text.precision(15);
    text << where << ": split fractions add up to " << sum << ", not 1";
    throw InputError(text.str());
  }
}

std::vector<double> Splitter::split_fractions(double inlet_flow) const {
  if (parameters_.set_point) {
    const double set_point = parameters_.set_point->flow.value();
    const double share = inlet_flow > set_point ? set_point / inlet_flow : 1.0;
    return {share, 1.0 - share};
  }
  std::vector<double> shares;
  double rest = 1.0;
  for (std::size_t j = 0; j + 1 < parameters_.fractions.size(); ++j) {
    shares.push_back(parameters_.fractions[j].fraction);
    rest -= parameters_.fractions[j].fraction;
  }
  // The last outlet takes what is left, so the outlets add up to the inlet.
  shares.push_back(std::max(rest, 0.0));
  return shares;
}

void Splitter::compute_outlets(double t, ConstSpan y, std::span<const Stream> inlets,
                               std::span<Stream> outlets) const {
  (void)t, (void)y;
  const Stream& in = inlets.front();
  const auto shares = split_fractions(in.aqueous_flow);
  for (std::size_t j = 0; j < outlets.size(); ++j) {
    outlets[j] = in;
    outlets[j].scale(shares[j]);
  }
}

std::vector<UnitOutput> Splitter::stream_outputs(double t, std::span<const Stream> inlets) const {
  (void)t;
  const auto shares = split_fractions(inlets.front().aqueous_flow);
  std::vector<UnitOutput> result;
  for (std::size_t j = 0; j < outlets_.size(); ++j) {
    result.push_back({"flow[" + outlets_[j] + "]", shares[j] * inlets.front().aqueous_flow, "m3/s"});
  }
  for (std::size_t j = 0; j < outlets_.size(); ++j) {
    result.push_back({"fraction[" + outlets_[j] + "]", shares[j], "-"});
  }
  return result;
}

std::optional<StreamCoupling> Splitter::stream_coupling() const {
  auto coupling = mixing_coupling(*components_);
  if (parameters_.set_point) {  // the shares follow the inlet flow
    const StreamLayout layout(*components_);
    for (std::size_t c = 0; c < layout.size(); ++c) {
      coupling.outlet_inlets.push_back(
          {StreamCoupling::every_port, c, StreamCoupling::every_port, StreamLayout::aqueous_flow});
    }
  }
  return coupling;
}

}  // namespace hydromet
