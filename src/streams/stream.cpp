// Stream operations.
#include "hydromet/streams/stream.hpp"

namespace hydromet {

Stream Stream::empty(const ComponentList& components) {
  Stream stream;
  stream.aqueous_moles = Vector::Zero(static_cast<Eigen::Index>(components.aqueous_count()));
  stream.solid_moles = Vector::Zero(static_cast<Eigen::Index>(components.solid_count()));
  return stream;
}

double Stream::concentration(Eigen::Index index) const {
  return aqueous_flow > 0.0 ? aqueous_moles[index] / aqueous_flow : 0.0;
}

Vector Stream::element_flows(const ComponentList& components) const {
  return components.aqueous_elements() * aqueous_moles + components.solid_elements() * solid_moles;
}

double Stream::solid_mass_flow(const ComponentList& components) const {
  double mass = 0.0;
  for (Eigen::Index i = 0; i < solid_moles.size(); ++i) {
    mass += solid_moles[i] * components.solid(static_cast<std::size_t>(i)).molar_mass();
  }
  return mass;
}

void mix_into(Stream& into, const Stream& other) {
  const double total_flow = into.aqueous_flow + other.aqueous_flow;
  if (total_flow > 0.0) {
    // Equal volumetric heat capacities assumed until the energy balance lands (issue: leaching, energy).
    into.temperature = (into.temperature * into.aqueous_flow + other.temperature * other.aqueous_flow) / total_flow;
  }
  into.aqueous_flow = total_flow;
  into.aqueous_moles += other.aqueous_moles;
  into.solid_moles += other.solid_moles;
}

}  // namespace hydromet
