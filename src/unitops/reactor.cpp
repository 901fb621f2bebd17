// Stoichiometric reactor.
#include "hydromet/unitops/reactor.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "hydromet/core/error.hpp"
#include "unitops/stream_report.hpp"

namespace hydromet {

Reactor::Reactor(std::string name, ReactorParameters parameters)
    : StreamReportingUnit(std::move(name)), parameters_(std::move(parameters)) {
  std::string where = "reactor `";
  where.append(this->name()).append("`");
  if (parameters_.inlet_count == 0) {
    throw InputError(where + ": needs at least one inlet");
  }
  if (parameters_.reactions.empty()) {
    throw InputError(where + ": needs at least one reaction");
  }
  for (const auto& reaction : parameters_.reactions) {
    if (!(reaction.conversion >= 0.0 && reaction.conversion <= 1.0)) {
      throw InputError(where + ": conversion of `" + reaction.equation + "` must be in [0, 1]");
    }
    const bool has_reactant = std::any_of(reaction.terms.begin(), reaction.terms.end(),
                                          [](const auto& term) { return term.coefficient < 0.0; });
    if (!has_reactant) {
      throw InputError(where + ": `" + reaction.equation + "` has no reactant");
    }
  }
  if (parameters_.temperature && !(*parameters_.temperature > 0.0)) {
    throw InputError(where + ": temperature must be above 0 K");
  }
}

std::vector<std::string> Reactor::inlet_ports() const { return inlet_port_names(parameters_.inlet_count); }

void Reactor::bind(const ComponentList& components) {
  components_ = &components;
  bound_.clear();
  for (const auto& reaction : parameters_.reactions) {
    BoundReaction bound;
    bound.conversion = reaction.conversion;
    for (const auto& term : reaction.terms) {
      BoundTerm bound_term;
      bound_term.coefficient = term.coefficient;
      if (const auto aqueous = components.find_aqueous(term.species)) {
        bound_term.where = Where::aqueous;
        bound_term.index = static_cast<Eigen::Index>(*aqueous);
        bound_term.solvent = components.aqueous(*aqueous).phase == Phase::solvent;
      } else if (const auto organic = components.find_organic(term.species)) {
        bound_term.where = Where::organic;
        bound_term.index = static_cast<Eigen::Index>(*organic);
      } else {
        bound_term.where = Where::solid;
        bound_term.index = static_cast<Eigen::Index>(components.solid_index(term.species, name()));
      }
      if (reaction.key && *reaction.key == term.species) {
        bound.key = bound.terms.size();
      }
      bound.terms.push_back(bound_term);
    }
    if (std::none_of(bound.terms.begin(), bound.terms.end(),
                     [](const BoundTerm& term) { return term.coefficient < 0.0 && !term.solvent; })) {
      throw InputError("reactor `" + name() + "`: `" + reaction.equation +
                       "` needs a reactant other than the solvent (H2O never limits)");
    }
    bound_.push_back(std::move(bound));
  }
  // Fresh precipitate is fine: put it in the smallest size class.
  const auto& sizes = components.size_classes();
  finest_class_ =
      sizes.empty() ? 0
                    : static_cast<Eigen::Index>(std::min_element(sizes.begin(), sizes.end()) - sizes.begin());
}

namespace {

/// Adds `change` to an amount; the limiting reactant ends at zero, not at a rounding residue of either sign.
void take(double& moles, double change) {
  const double before = moles;
  moles = before + change;
  if (change < 0.0 && std::abs(moles) <= 4.0 * std::numeric_limits<double>::epsilon() * before) {
    moles = 0.0;
  }
}

}  // namespace

void Reactor::react(std::span<const Stream> inlets, Stream& out, std::vector<double>* extents) const {
  out = inlets.front();
  for (std::size_t p = 1; p < inlets.size(); ++p) {
    mix_into(out, inlets[p]);
  }
  if (parameters_.temperature) {
    out.temperature = *parameters_.temperature;
  }
  const auto available = [&out](const BoundTerm& term) {
    switch (term.where) {
      case Where::aqueous:
        return out.aqueous_moles[term.index];
      case Where::organic:
        return out.organic_moles[term.index];
      case Where::solid:
        break;
    }
    return out.solid_moles.row(term.index).sum();
  };
  for (const auto& reaction : bound_) {
    double cap = std::numeric_limits<double>::infinity();
    for (const auto& term : reaction.terms) {
      if (term.coefficient < 0.0 && !term.solvent) {
        cap = std::min(cap, std::max(available(term), 0.0) / -term.coefficient);
      }
    }
    double extent = reaction.conversion * cap;
    if (reaction.key) {
      const auto& key = reaction.terms[*reaction.key];
      extent = std::min(cap, reaction.conversion * std::max(available(key), 0.0) / -key.coefficient);
    }
    for (const auto& term : reaction.terms) {
      const double change = term.coefficient * extent;
      switch (term.where) {
        case Where::aqueous:
          take(out.aqueous_moles[term.index], change);
          break;
        case Where::organic:
          take(out.organic_moles[term.index], change);
          break;
        case Where::solid: {
          auto row = out.solid_moles.row(term.index);
          if (change >= 0.0) {
            row[finest_class_] += change;
          } else {
            const double total = row.sum();
            const double kept = total > 0.0 ? std::max(1.0 + change / total, 0.0) : 0.0;
            row *= kept;
          }
          break;
        }
      }
    }
    if (extents != nullptr) {
      extents->push_back(extent);
    }
  }
}

void Reactor::compute_outlets(double t, ConstSpan y, std::span<const Stream> inlets,
                              std::span<Stream> outlets) const {
  (void)t, (void)y;
  react(inlets, outlets[0], nullptr);
}

std::vector<UnitOutput> Reactor::stream_outputs(double t, std::span<const Stream> inlets) const {
  (void)t;
  Stream out = Stream::empty(*components_);
  std::vector<double> extents;
  react(inlets, out, &extents);
  std::vector<UnitOutput> result;
  for (std::size_t j = 0; j < extents.size(); ++j) {
    result.push_back({"extent[" + std::to_string(j + 1) + "]", extents[j], "mol/s"});
  }
  detail::report_stream("", out, *components_, result);
  return result;
}

std::optional<StreamCoupling> Reactor::stream_coupling() const {
  // Follows react(): each outlet scalar starts as the mixed inlet scalar; reaction j's extent reads what its
  // reactants (not the solvent) and its key hold after the reactions before it, and changes every term it
  // names. Products do not feed an extent unless a later reaction consumes them, and a solid product enters
  // the finest class alone (the other classes pass through), so a precipitate's size classes do not make
  // every participant read every class.
  auto coupling = mixing_coupling(*components_);
  const StreamLayout layout(*components_);
  const std::size_t width = layout.size();
  // reads[c]: the inlet scalars outlet scalar c depends on (beyond itself, which mixing declares), sorted.
  std::vector<std::vector<std::size_t>> reads(width);
  const auto scalars_of = [&](const BoundTerm& term) {
    const auto index = static_cast<std::size_t>(term.index);
    std::vector<std::size_t> scalars;
    switch (term.where) {
      case Where::aqueous:
        scalars.push_back(layout.aqueous(index));
        break;
      case Where::organic:
        scalars.push_back(layout.organic(index));
        break;
      case Where::solid:
        for (std::size_t k = 0; k < components_->size_class_count(); ++k) {
          scalars.push_back(layout.solid(index, k));
        }
        break;
    }
    return scalars;
  };
  const auto merge = [](std::vector<std::size_t>& into, const std::vector<std::size_t>& from) {
    into.insert(into.end(), from.begin(), from.end());
    std::sort(into.begin(), into.end());
    into.erase(std::unique(into.begin(), into.end()), into.end());
  };
  for (const auto& reaction : bound_) {
    std::vector<std::size_t> extent_reads;  // inlet scalars the extent depends on
    for (std::size_t t = 0; t < reaction.terms.size(); ++t) {
      const auto& term = reaction.terms[t];
      const bool limits = term.coefficient < 0.0 && !term.solvent;
      if (limits || (reaction.key && *reaction.key == t)) {
        for (const auto c : scalars_of(term)) {
          merge(extent_reads, {c});
          merge(extent_reads, reads[c]);
        }
      }
    }
    for (const auto& term : reaction.terms) {
      const auto scalars = scalars_of(term);
      if (term.where != Where::solid) {
        merge(reads[scalars.front()], extent_reads);
        continue;
      }
      // A solid product is added to the finest class; a solid reactant scales every class by what is kept of
      // the total, which reads every class (a zero change takes the product branch: the finest class, again).
      merge(
          reads[layout.solid(static_cast<std::size_t>(term.index), static_cast<std::size_t>(finest_class_))],
          extent_reads);
      if (term.coefficient < 0.0) {
        for (const auto c : scalars) {
          merge(reads[c], extent_reads);
        }
      }
    }
  }
  for (std::size_t to = 0; to < width; ++to) {
    for (const auto from : reads[to]) {
      if (from != to) {
        coupling.outlet_inlets.push_back({StreamCoupling::every_port, to, StreamCoupling::every_port, from});
      }
    }
  }
  return coupling;
}

}  // namespace hydromet
