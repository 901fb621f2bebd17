// Structural Jacobian of the continuous leach tank: which of its own states and which inlet-stream scalars
// each of its rows reads, and what its outlet scalars depend on (see UnitOperation::state_pattern and
// stream_coupling). Kept beside leach_tank.cpp: it mirrors the dependences of evaluate(), reconstruct() and
// the kinetics, and the coverage test (tests/cpp/flowsheet/test_jacobian_coverage.cpp) checks it.
#include <algorithm>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hydromet/kinetics/leach_rate.hpp"
#include "hydromet/unitops/leach_tank.hpp"

namespace hydromet {
namespace {

using Classes = std::vector<std::size_t>;  // class indices of one mineral, sorted, unique

}  // namespace

void ContinuousLeachTank::build_state_pattern() {
  const std::size_t q_aq = flow_offset();
  const std::size_t q_org = flow_offset() + 1;
  const std::size_t t_state = flow_offset() + 2;  // a state when temperature_is_state()
  std::vector<std::pair<std::size_t, std::size_t>> entries;
  const auto add = [&](std::size_t row, const std::vector<std::size_t>& columns) {
    for (const auto column : columns) {
      entries.emplace_back(row, column);
    }
  };
  // Flow terms: n_i q / V, and the algebraic flow and temperature rows.
  for (std::size_t i = 0; i < flow_offset(); ++i) {
    add(i, {i, q_aq, q_org});
  }
  for (std::size_t i = flow_offset(); i < holdup_size(); ++i) {
    entries.emplace_back(i, i);
  }
  if (lumped()) {
    for (std::size_t m = 0; m < minerals_.size(); ++m) {
      add(basis_offset() + m, {basis_offset() + m, q_aq, q_org});
    }
  }

  // What each reaction's rate reads besides its mineral: the solution species of its law (the reagent; every
  // species through a speciation; what an expression names), the aqueous volume (q_aq, q_org) that turns
  // moles into concentrations, the temperature state, and for `solids` / `phi` every solid.
  std::vector<std::string> aqueous_names;
  for (std::size_t i = 0; i < aqueous_count_; ++i) {
    aqueous_names.push_back(components_->aqueous(i).name);
  }
  const bool speciated = leach_.speciation.system != nullptr;
  std::vector<std::size_t> all_aqueous(aqueous_count_);
  for (std::size_t i = 0; i < aqueous_count_; ++i) {
    all_aqueous[i] = aqueous_offset() + i;
  }
  std::vector<std::size_t> all_solids;
  for (std::size_t i = solid_offset(); i < flow_offset(); ++i) {
    all_solids.push_back(i);
  }
  std::vector<std::vector<std::size_t>> rate_inputs(bound_.size());
  for (std::size_t b = 0; b < bound_.size(); ++b) {
    const LeachReaction& reaction = *bound_[b].reaction;
    auto& inputs = rate_inputs[b];
    if (temperature_is_state()) {
      inputs.push_back(t_state);
    }
    switch (reaction.form) {
      case LeachRateForm::shrinking_core:
        inputs.insert(inputs.end(), {q_aq, q_org});
        if (reaction.order_basis == OrderBasis::activity) {
          inputs.insert(inputs.end(), all_aqueous.begin(), all_aqueous.end());
        } else {
          inputs.push_back(aqueous_offset() + bound_[b].reagent);
        }
        break;
      case LeachRateForm::avrami:
        break;
      case LeachRateForm::expression: {
        const RateExpression expression(
            reaction.expression, aqueous_names,
            speciated ? leach_.speciation.system->species_names() : aqueous_names);
        inputs.insert(inputs.end(), {q_aq, q_org});
        for (const auto& name : expression.used_concentrations()) {
          inputs.push_back(aqueous_offset() + components_->aqueous_index(name, name));
        }
        const bool activities = !expression.used_activities().empty() || expression.uses("pH");
        if (speciated && activities) {
          inputs.insert(inputs.end(), all_aqueous.begin(), all_aqueous.end());
        } else if (activities) {  // ideal dilute: a = c of the same species, pH from H+
          for (const auto& name : expression.used_activities()) {
            inputs.push_back(aqueous_offset() + components_->aqueous_index(name, name));
          }
          if (const auto hydrogen = components_->find_aqueous("H+"); hydrogen && expression.uses("pH")) {
            inputs.push_back(aqueous_offset() + *hydrogen);
          }
        }
        if (expression.uses("solids") || expression.uses("phi")) {
          inputs.insert(inputs.end(), all_solids.begin(), all_solids.end());
        }
        break;
      }
    }
  }

  // Rows each reaction changes and the states the change reads. `released` are the rows of the reaction's
  // products and reagents in a class (aqueous rows are shared by all classes).
  const auto released = [&](const BoundReaction& bound, std::size_t size_class) {
    std::vector<std::size_t> rows;
    for (const auto& [aqueous, target] : bound.targets) {
      rows.push_back(aqueous ? aqueous_offset() + target : solid_state(target, size_class));
    }
    return rows;
  };
  /// For each class of a mineral: the class masses its reconstructed ψ (mean and slope after both passes)
  /// reads, from the stencils and empty classes of its reconstruction plan (as
  /// ContinuousLeachTank::reconstruct uses them; the positivity bounds read the class's own mean). Empty for
  /// an empty class (nothing reacts there). The slope of class i reads the means of i and of its stencil; the
  /// second-pass mean of i (ψ̄ = (M − s ∫(x − c) m dx) / ∫ m dx) reads i and, where ∫ m dx > 0, its slope's
  /// classes; ψ of class k reads the second-pass means of k and of its stencil.
  const auto reconstruction_inputs = [](const std::vector<ReconstructionClass>& plan) {
    std::vector<Classes> psi(plan.size());
    Classes gathered;
    const auto second_mean = [&](std::size_t i) {
      gathered.push_back(i);
      if (plan[i].integral > 0.0) {
        gathered.insert(gathered.end(), plan[i].stencil.classes.begin(),
                        plan[i].stencil.classes.begin() + static_cast<std::ptrdiff_t>(plan[i].stencil.terms));
      }
    };
    for (std::size_t k = 0; k < plan.size(); ++k) {
      if (!(plan[k].integral > 0.0)) {
        continue;
      }
      gathered.clear();
      second_mean(k);
      for (std::size_t t = 0; t < plan[k].stencil.terms; ++t) {
        second_mean(plan[k].stencil.classes[t]);
      }
      std::sort(gathered.begin(), gathered.end());
      gathered.erase(std::unique(gathered.begin(), gathered.end()), gathered.end());
      psi[k] = gathered;
    }
    return psi;
  };

  std::vector<std::size_t> heat_inputs;  // what the reacted amounts in the energy balance read
  // Segregated model: the reaction totals are aggregates over the amounts reacted in each class.
  constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
  reaction_totals_ = {};
  rate_intermediates_.assign(bound_.size(), std::vector<std::size_t>(size_class_count_, none));
  for (std::size_t b = 0; b < bound_.size(); ++b) {
    const BoundReaction& bound = bound_[b];
    const Mineral& mineral = minerals_[bound.mineral];
    const std::size_t classes = size_class_count_;
    std::vector<std::size_t> all_classes;  // the states of every class of the mineral
    for (std::size_t k = 0; k < classes; ++k) {
      all_classes.push_back(solid_state(mineral.solid, k));
    }
    const bool heats =
        leach_.energy_balance && leach_.energy_balance->heat_of_reaction.count(bound.reaction->name) > 0;
    if (lumped()) {
      std::vector<std::size_t> columns = all_classes;
      columns.push_back(basis_offset() + bound.mineral);
      columns.insert(columns.end(), rate_inputs[b].begin(), rate_inputs[b].end());
      for (std::size_t k = 0; k < classes; ++k) {
        add(solid_state(mineral.solid, k), columns);
        for (const auto row : released(bound, k)) {
          add(row, columns);
        }
      }
      if (heats) {
        heat_inputs.insert(heat_inputs.end(), columns.begin(), columns.end());
      }
      continue;
    }
    const auto psi = reconstruction_inputs(mineral.plan);
    const auto states_of = [&](const Classes& ks) {
      std::vector<std::size_t> columns = rate_inputs[b];
      for (const auto k : ks) {
        columns.push_back(solid_state(mineral.solid, k));
      }
      return columns;
    };
    StateAggregates::Aggregate total;
    rate_intermediates_[b].assign(psi.size(), none);
    for (std::size_t k = 0; k < psi.size(); ++k) {
      if (psi[k].empty()) {
        continue;  // an empty class (above the particle size): nothing reacts or leaves it
      }
      auto columns = states_of(psi[k]);
      std::sort(columns.begin(), columns.end());
      columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
      rate_intermediates_[b][k] = reaction_totals_.intermediates.size();
      total.terms.emplace_back(reaction_totals_.intermediates.size(), 1.0);
      reaction_totals_.intermediates.push_back(columns);
      add(solid_state(mineral.solid, k), columns);  // reacting in the class and crossing its lower edge
      for (const auto& [solid, coefficient] : bound.solid_terms) {
        add(solid_state(solid, k), columns);  // solid products form in the class
      }
      if (k + 1 < psi.size()) {
        add(solid_state(mineral.solid, k + 1), columns);  // particles arriving from class k
      }
    }
    // The solution and the heat of reaction take the reaction's total, whose derivative the aggregate gives
    // (what any class reads): with it held, they read none of the classes.
    for (const auto& [aqueous, coefficient] : bound.solution_terms) {
      total.rows.push_back(aqueous_offset() + aqueous);
    }
    if (heats) {
      total.rows.push_back(t_state);
    }
    std::sort(total.rows.begin(), total.rows.end());
    total.rows.erase(std::unique(total.rows.begin(), total.rows.end()), total.rows.end());
    // Difference step: a reaction turning the reagent's typical holdup over in an hour.
    total.scale = holdup_scale(aqueous_offset() + bound.reagent) / 3600.0;
    reaction_totals_.aggregates.push_back(std::move(total));
  }
  if (leach_.energy_balance) {
    // m c_p dT/dt: the slurry mass reads every solid, the heat of reaction the reacted amounts.
    const std::size_t row = flow_offset() + 2;
    add(row, all_solids);
    add(row, heat_inputs);
  }
  // Unsorted, with repeats: the flowsheet's pattern sorts and merges every unit's entries once.
  pattern_ = std::move(entries);
}

std::optional<StreamCoupling> ContinuousLeachTank::stream_coupling() const {
  // The reactions read the holdup only; inlets enter through the flow terms (species i reads inlet scalar
  // i), the flow rows, the temperature row and, lumped, the unreacted-basis inflow of each mineral.
  const std::size_t any = StreamCoupling::every_port;
  const StreamLayout layout(*components_);
  StreamCoupling coupling;
  const std::size_t q_aq = flow_offset();
  const std::size_t q_org = flow_offset() + 1;
  for (std::size_t i = 0; i < flow_offset(); ++i) {
    coupling.rows.push_back({i, any, StreamLayout::holdup_offset + i});
    for (const std::size_t state : {i, q_aq, q_org}) {
      coupling.outlet_states.push_back({any, StreamLayout::holdup_offset + i, state});
    }
  }
  coupling.rows.push_back({q_aq, any, StreamLayout::aqueous_flow});
  coupling.rows.push_back({q_org, any, StreamLayout::organic_flow});
  coupling.outlet_states.push_back({any, StreamLayout::aqueous_flow, q_aq});
  coupling.outlet_states.push_back({any, StreamLayout::organic_flow, q_org});
  if (temperature_is_state()) {
    const std::size_t row = flow_offset() + 2;
    coupling.outlet_states.push_back({any, StreamLayout::temperature, row});
    // Mixed inlet temperature (weights: the aqueous flows) or, with an energy balance, the inlet enthalpy
    // flows Σ ṁ c_p (T_in − T), ṁ from the liquid flows and every solid.
    for (const std::size_t scalar :
         {StreamLayout::temperature, StreamLayout::aqueous_flow, StreamLayout::organic_flow}) {
      coupling.rows.push_back({row, any, scalar});
    }
    if (leach_.energy_balance) {
      for (std::size_t s = 0; s < solid_count_; ++s) {
        for (std::size_t k = 0; k < size_class_count_; ++k) {
          coupling.rows.push_back({row, any, layout.solid(s, k)});
        }
      }
    }
  }
  if (lumped()) {
    for (std::size_t m = 0; m < minerals_.size(); ++m) {
      for (std::size_t k = 0; k < size_class_count_; ++k) {
        coupling.rows.push_back({basis_offset() + m, any, layout.solid(minerals_[m].solid, k)});
      }
    }
  }
  return coupling;
}

}  // namespace hydromet
