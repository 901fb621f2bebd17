// Builder of `type: sx_cascade`: sections of mixer-settler stages with an open or closed organic loop.
#include "hydromet/unitops/sx_cascade.hpp"

#include <cmath>

#include "io/build_context.hpp"

namespace hydromet::detail {
namespace {

struct SectionKind {
  const char* key;
  const char* prefix;
  const char* feed;
  const char* outlet;
};

// Sections in the order the organic passes them.
constexpr SectionKind section_kinds[] = {
    {"extraction", "E", "feed", "raffinate"},
    {"scrub", "W", "scrub_feed", "scrub_out"},
    {"strip", "S", "strip_feed", "strip_out"},
};

std::size_t read_count(const BuildContext& context, const YAML::Node& node, const std::string& what) {
  const double value = context.number(node, what);
  if (!(value >= 1.0) || value != std::floor(value) || value > 100000.0) {
    context.fail(node, what + " must be a whole number from 1 to 100000");
  }
  return static_cast<std::size_t>(value);
}

}  // namespace

std::unique_ptr<UnitOperation> build_sx_cascade(const BuildContext& context, const std::string& name,
                                                const YAML::Node& node) {
  const std::string where = "sx_cascade `" + name + "`";
  const auto& units = context.units();
  context.check_keys(node,
                     {"type",
                      "sections",
                      "flow",
                      "loop",
                      "bleed",
                      "circulating_flow",
                      "loop_organic",
                      "mixer_volume",
                      "mixer_phase_ratio",
                      "settler",
                      "temperature",
                      "mode",
                      "mass_transfer",
                      "efficiency",
                      "entrainment",
                      "extraction",
                      "initial_solution",
                      "initial_organic",
                      "acidity",
                      "formulation",
                      "solids"},
                     where);
  SxCascadeParameters p;
  p.mixer_volume = context.nonnegative(context.require(node, "mixer_volume", where), dimension::volume,
                                       units.volume, "mixer_volume", true);
  if (const auto ratio = node["mixer_phase_ratio"]) {
    p.mixer_phase_ratio = context.nonnegative(ratio, dimension::dimensionless, "", "mixer_phase_ratio", true);
  }
  if (const auto settler = node["settler"]) {
    context.check_keys(settler, {"aqueous_volume", "organic_volume"}, where + " settler");
    p.settler_aqueous_volume =
        context.nonnegative(context.require(settler, "aqueous_volume", where + " settler"), dimension::volume,
                            units.volume, "aqueous_volume", true);
    p.settler_organic_volume =
        context.nonnegative(context.require(settler, "organic_volume", where + " settler"), dimension::volume,
                            units.volume, "organic_volume", true);
  }
  if (const auto temperature = node["temperature"]) {
    p.temperature =
        context.nonnegative(temperature, dimension::temperature, units.temperature, "temperature", true);
  }
  if (const auto flow = node["flow"]) {
    const std::string text = context.text(flow, "flow");
    if (text == "counter_current") {
      p.flow = SxCascadeParameters::Flow::counter_current;
    } else if (text == "co_current") {
      p.flow = SxCascadeParameters::Flow::co_current;
    } else {
      context.fail(flow, where + ": `flow` is `counter_current` or `co_current`");
    }
  }
  if (const auto formulation = node["formulation"]) {
    const std::string text = context.text(formulation, "formulation");
    if (text == "dae") {
      p.formulation = SxCascadeParameters::Formulation::dae;
    } else if (text == "ode") {
      p.formulation = SxCascadeParameters::Formulation::ode;
    } else {
      context.fail(formulation, where +
                                    ": `formulation` is `dae` (flows and complexes as algebraic rows) or "
                                    "`ode` (constant-D cascades: one differential state per invariant)");
    }
  }
  p.solids = read_stage_solids(context, node, where);
  if (const auto mode = node["mode"]) {
    const std::string text = context.text(mode, "mode");
    if (text == "equilibrium") {
      p.mode = MixerSettlerParameters::Mode::equilibrium;
    } else if (text == "rate") {
      p.mode = MixerSettlerParameters::Mode::rate;
    } else {
      context.fail(mode, where + ": `mode` is `equilibrium` or `rate`");
    }
  }
  if (const auto ka = node["mass_transfer"]) {
    p.mass_transfer = context.nonnegative(ka, dimension::frequency, "1/s", "mass_transfer", true);
  }
  if (const auto efficiency = node["efficiency"]) {
    p.efficiency = context.fraction(efficiency, "efficiency");
  }
  if (const auto entrainment = node["entrainment"]) {
    context.check_keys(entrainment, {"aqueous_in_organic", "organic_in_aqueous"}, where + " entrainment");
    if (const auto a = entrainment["aqueous_in_organic"]) {
      p.aqueous_in_organic = context.fraction(a, "aqueous_in_organic");
    }
    if (const auto o = entrainment["organic_in_aqueous"]) {
      p.organic_in_aqueous = context.fraction(o, "organic_in_aqueous");
    }
  }
  if (const auto solution = node["initial_solution"]) {
    p.initial_aqueous = read_solution(context, solution, where);
  }
  if (const auto organic = node["initial_organic"]) {
    p.initial_organic = read_organic(context, organic, where + " `initial_organic`");
  }
  if (const auto acidity = node["acidity"]) {
    // acidity: {components: [H+, SO4-2], activity_model: davies}: a(H+) from the speciation solver.
    context.check_keys(acidity, {"components", "activity_model"}, where + " acidity");
    const auto list = context.require(acidity, "components", where + " acidity");
    if (!list.IsSequence()) {
      context.fail(list, where + ": acidity `components` must be a list of basis species");
    }
    std::vector<std::string> components;
    for (const auto& item : list) {
      components.push_back(context.text(item, "component"));
    }
    try {
      const auto model = acidity["activity_model"]
                             ? parse_activity_model(context.text(acidity["activity_model"], "activity_model"))
                             : ActivityModel::davies;
      p.acidity = std::make_shared<SpeciatedAcidity>(
          std::make_shared<const ChemicalSystem>(context.database(), components), model);
    } catch (const InputError& error) {
      context.fail(acidity, where + " acidity: " + error.message());
    }
  }
  std::vector<ExtractionReaction> shared;
  if (const auto list = node["extraction"]) {
    shared = read_extraction_reactions(context, list, where);
  }
  const auto sections = context.require(node, "sections", where);
  if (!sections.IsMap()) {
    context.fail(sections, where + ": `sections` must map extraction, scrub and strip to their stages");
  }
  context.check_keys(sections, {"extraction", "scrub", "strip"}, where + " sections");
  for (const auto& kind : section_kinds) {
    const auto section = sections[kind.key];
    if (!section) {
      continue;
    }
    const std::string section_where = where + " section `" + kind.key + "`";
    context.check_keys(section, {"stages", "extraction", "feeds", "outlet"}, section_where);
    SxSectionParameters built;
    built.name = kind.key;
    built.prefix = kind.prefix;
    built.stages = read_count(context, context.require(section, "stages", section_where), "stages");
    built.reactions = shared;
    if (const auto list = section["extraction"]) {
      built.reactions = read_extraction_reactions(context, list, section_where);
    }
    built.aqueous_outlet = kind.outlet;
    if (const auto outlet = section["outlet"]) {
      built.aqueous_outlet = context.text(outlet, "outlet");
    }
    if (const auto feeds = section["feeds"]) {
      if (!feeds.IsMap() || feeds.size() == 0) {
        context.fail(feeds, section_where + ": `feeds` must map inlet port names to stage numbers");
      }
      for (const auto& entry : feeds) {
        const auto stage = read_count(context, entry.second, "feed stage");
        if (stage > built.stages) {
          context.fail(entry.second, section_where + ": stage " + std::to_string(stage) +
                                         " is beyond the section's " + std::to_string(built.stages) +
                                         " stages");
        }
        built.feeds.push_back({context.text(entry.first, "port"), stage});
      }
    } else {
      built.feeds.push_back({kind.feed, 1});
    }
    p.sections.push_back(std::move(built));
  }
  if (p.sections.empty() || p.sections.front().name != "extraction") {
    context.fail(sections, where + ": needs an `extraction` section");
  }
  if (const auto loop = node["loop"]) {
    const std::string text = context.text(loop, "loop");
    if (text == "open") {
      p.loop = SxCascadeParameters::Loop::open;
    } else if (text == "closed") {
      p.loop = SxCascadeParameters::Loop::closed;
    } else {
      context.fail(loop, where +
                             ": `loop` is `open` (ports organic_in, organic_out) or `closed` (ports "
                             "makeup, bleed)");
    }
  }
  if (const auto bleed = node["bleed"]) {
    p.bleed = context.fraction(bleed, "bleed");
  }
  if (const auto flow = node["circulating_flow"]) {
    p.circulating_flow =
        context.nonnegative(flow, dimension::volumetric_flow, units.flow, "circulating_flow", true);
  }
  if (const auto organic = node["loop_organic"]) {
    p.loop_organic = read_organic(context, organic, where + " `loop_organic`");
  }
  try {
    return std::make_unique<SxCascade>(name, std::move(p));
  } catch (const InputError& error) {
    context.fail(node, error.message());
  }
}

}  // namespace hydromet::detail
