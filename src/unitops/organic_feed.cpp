// Constant source of organic phase.
#include "hydromet/unitops/organic_feed.hpp"

#include <cmath>

#include "hydromet/core/error.hpp"

namespace hydromet {

OrganicFeed::OrganicFeed(std::string name, OrganicFeedParameters parameters)
    : UnitOperation(std::move(name)), parameters_(std::move(parameters)) {
  const std::string where = "organic_feed `" + this->name() + "`";
  if (!(parameters_.flow >= 0.0) || !std::isfinite(parameters_.flow)) {
    throw InputError(where + ": flow must be >= 0");
  }
  if (!(parameters_.temperature > 0.0) || !std::isfinite(parameters_.temperature)) {
    throw InputError(where + ": temperature must be above 0 K");
  }
  for (const auto& [species, c] : parameters_.composition) {
    if (!(c >= 0.0) || !std::isfinite(c)) {
      throw InputError(where + ": concentration of `" + species + "` must be >= 0");
    }
  }
}

void OrganicFeed::bind(const ComponentList& components) {
  components_ = &components;
  stream_ = Stream::empty(components);
  stream_.temperature = parameters_.temperature;
  stream_.organic_flow = parameters_.flow;
  const std::string where = "organic_feed `" + name() + "`";
  for (const auto& [species, c] : parameters_.composition) {
    const auto index = components.organic_index(species, where);
    stream_.organic_moles[static_cast<Eigen::Index>(index)] += c * parameters_.flow;
  }
}

void OrganicFeed::compute_outlets(double t, ConstSpan y, std::span<const Stream> inlets,
                                  std::span<Stream> outlets) const {
  (void)t, (void)y, (void)inlets;
  outlets[0] = stream_;
}

std::vector<UnitOutput> OrganicFeed::outputs(double t, ConstSpan y) const {
  (void)t, (void)y;
  std::vector<UnitOutput> result{{"flow", parameters_.flow, "m3/s"}};
  for (std::size_t i = 0; i < components_->organic_count(); ++i) {
    result.push_back({"c_org[" + components_->organic(i).name + "]",
                      stream_.organic_concentration(static_cast<Eigen::Index>(i)), "mol/m3"});
  }
  return result;
}

void OrganicFeed::report_values(double t, ConstSpan y, std::span<const Stream> inlets,
                                std::vector<double>& values) const {
  (void)t, (void)y, (void)inlets;
  values.push_back(parameters_.flow);
  for (std::size_t i = 0; i < components_->organic_count(); ++i) {
    values.push_back(stream_.organic_concentration(static_cast<Eigen::Index>(i)));
  }
}

}  // namespace hydromet
