// Stream operations.
#include "hydromet/streams/stream.hpp"

namespace hydromet {

StreamLayout::StreamLayout(const ComponentList& components)
    : aqueous_count_(components.aqueous_count()),
      organic_count_(components.organic_count()),
      size_class_count_(components.size_class_count()),
      size_(holdup_offset + aqueous_count_ + organic_count_ + components.solid_count() * size_class_count_) {}

Stream Stream::empty(const ComponentList& components) {
  Stream stream;
  stream.aqueous_moles = Vector::Zero(static_cast<Eigen::Index>(components.aqueous_count()));
  stream.organic_moles = Vector::Zero(static_cast<Eigen::Index>(components.organic_count()));
  stream.solid_moles = Matrix::Zero(static_cast<Eigen::Index>(components.solid_count()),
                                    static_cast<Eigen::Index>(components.size_class_count()));
  return stream;
}

double Stream::concentration(Eigen::Index index) const {
  return aqueous_flow > 0.0 ? aqueous_moles[index] / aqueous_flow : 0.0;
}

double Stream::organic_concentration(Eigen::Index index) const {
  return organic_flow > 0.0 ? organic_moles[index] / organic_flow : 0.0;
}

Vector Stream::element_flows(const ComponentList& components) const {
  Vector flows = components.aqueous_elements() * aqueous_moles + components.solid_elements() * solid_totals();
  if (organic_moles.size() > 0) {
    flows += components.organic_elements() * organic_moles;
  }
  return flows;
}

double Stream::solid_mass_flow(const ComponentList& components) const {
  return components.solid_molar_masses().dot(solid_totals());
}

double Stream::solute_mass_flow(const ComponentList& components) const {
  return components.aqueous_molar_masses().dot(aqueous_moles);
}

void Stream::scale(double factor) {
  aqueous_flow *= factor;
  aqueous_moles *= factor;
  organic_flow *= factor;
  organic_moles *= factor;
  solid_moles *= factor;
}

void mix_into(Stream& into, const Stream& other) {
  const double total_flow = into.aqueous_flow + other.aqueous_flow;
  if (total_flow > 0.0) {
    into.temperature =
        (into.temperature * into.aqueous_flow + other.temperature * other.aqueous_flow) / total_flow;
  } else if (into.solid_moles.sum() == 0.0 && into.organic_flow == 0.0) {
    into.temperature = other.temperature;
  }
  into.aqueous_flow = total_flow;
  into.aqueous_moles += other.aqueous_moles;
  into.organic_flow += other.organic_flow;
  into.organic_moles += other.organic_moles;
  into.solid_moles += other.solid_moles;
}

}  // namespace hydromet
