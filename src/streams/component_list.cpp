// Component lists and their element matrices.
#include "hydromet/streams/component_list.hpp"

#include <algorithm>
#include <set>

#include "hydromet/core/error.hpp"

namespace hydromet {
namespace {

std::optional<std::size_t> find_in(const std::vector<Species>& list, std::string_view name) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].name == name) {
      return i;
    }
  }
  return std::nullopt;
}

std::size_t index_in(const std::vector<Species>& list, std::string_view name, std::string_view context,
                     std::string_view phase) {
  if (auto index = find_in(list, name)) {
    return *index;
  }
  std::vector<std::string> names;
  for (const auto& species : list) {
    names.push_back(species.name);
  }
  std::string message = std::string(context) + ": `" + std::string(name) + "` is not a tracked " +
                        std::string(phase) + " species";
  if (const auto suggestion = closest_match(std::string(name), names); !suggestion.empty()) {
    message += "; did you mean `" + suggestion + "`?";
  }
  throw InputError(message);
}

Matrix element_matrix(const std::vector<Species>& list, const std::vector<std::string>& elements) {
  Matrix matrix =
      Matrix::Zero(static_cast<Eigen::Index>(elements.size()), static_cast<Eigen::Index>(list.size()));
  for (std::size_t j = 0; j < list.size(); ++j) {
    for (const auto& [element, count] : list[j].formula.composition) {
      const auto row = std::lower_bound(elements.begin(), elements.end(), element) - elements.begin();
      matrix(row, static_cast<Eigen::Index>(j)) = count;
    }
  }
  return matrix;
}

}  // namespace

ComponentList::ComponentList(const Database& database, std::vector<std::string> aqueous,
                             std::vector<std::string> solids, std::vector<std::string> organic,
                             std::vector<double> size_classes)
    : size_classes_(std::move(size_classes)) {
  std::set<std::string> elements;
  for (const auto& name : aqueous) {
    aqueous_.push_back(database.species(name));
  }
  for (const auto& name : organic) {
    organic_.push_back(database.species(name));
  }
  for (const auto& name : solids) {
    solids_.push_back(database.species(name));
  }
  for (const auto* list : {&aqueous_, &organic_, &solids_}) {
    for (const auto& species : *list) {
      for (const auto& [element, count] : species.formula.composition) {
        elements.insert(element);
      }
    }
  }
  elements_.assign(elements.begin(), elements.end());
  aqueous_elements_ = element_matrix(aqueous_, elements_);
  organic_elements_ = element_matrix(organic_, elements_);
  solid_elements_ = element_matrix(solids_, elements_);
  solid_molar_masses_.resize(static_cast<Eigen::Index>(solids_.size()));
  for (std::size_t i = 0; i < solids_.size(); ++i) {
    solid_molar_masses_[static_cast<Eigen::Index>(i)] = solids_[i].molar_mass();
  }
  aqueous_molar_masses_.resize(static_cast<Eigen::Index>(aqueous_.size()));
  for (std::size_t i = 0; i < aqueous_.size(); ++i) {
    aqueous_molar_masses_[static_cast<Eigen::Index>(i)] = aqueous_[i].molar_mass();
  }
}

std::optional<std::size_t> ComponentList::find_aqueous(std::string_view name) const {
  return find_in(aqueous_, name);
}
std::optional<std::size_t> ComponentList::find_solid(std::string_view name) const {
  return find_in(solids_, name);
}
std::optional<std::size_t> ComponentList::find_organic(std::string_view name) const {
  return find_in(organic_, name);
}

std::size_t ComponentList::finest_size_class() const {
  return size_classes_.empty()
             ? 0
             : static_cast<std::size_t>(std::min_element(size_classes_.begin(), size_classes_.end()) -
                                        size_classes_.begin());
}

std::size_t ComponentList::aqueous_index(std::string_view name, std::string_view context) const {
  return index_in(aqueous_, name, context, "aqueous");
}
std::size_t ComponentList::solid_index(std::string_view name, std::string_view context) const {
  return index_in(solids_, name, context, "solid");
}
std::size_t ComponentList::organic_index(std::string_view name, std::string_view context) const {
  return index_in(organic_, name, context, "organic");
}

}  // namespace hydromet
