"""Small circuits that several tests share."""


def tracer_yaml(*, outputs=5, kpi=False):
    """A 5 m3 tank fed 10 m3/h of 100 mol/m3 NaCl from t = 0, run for 1 h: the tracer tank, whose outlet
    follows c(t) = 100 (1 - exp(-t q / V)) and whose steady state is the feed."""
    kpis = "kpis:\n  - {name: Na recovery, type: recovery, element: Na, product: out}\n" if kpi else ""
    return f"""
name: tracer tank
units: {{volume: m3, flow: m3/h, concentration: mol/m3, time: h}}
equipment:
  feed:
    type: feed
    flow: 10
    solution: {{Na+: 100, Cl-: 100}}
  tank: {{type: tank, volume: 5}}
  out: {{type: product}}
connections:
  - feed.out -> tank.in
  - tank.out -> out.in
{kpis}simulation: {{until: 1, outputs: {outputs}}}
"""


def batch_scheelite_yaml(*, name="batch scheelite leach", scheelite_g=10.0, particle_um=75, max_steps=None):
    """1 L of 1 mol/L Na2CO3 at 90 degC leaching scheelite under reaction control for 2 h (5 outputs);
    `max_steps` bounds the integrator's steps over the whole run."""
    limit = f", max_steps: {max_steps}" if max_steps is not None else ""
    return f"""
name: {name}
units: {{temperature: degC, time: h, length: um, volume: L, mass: g, concentration: mol/L}}
reactions:
  soda:
    equation: scheelite + CO3-2 -> calcite + WO4-2
    mineral: scheelite
    reagent: CO3-2
    kinetics: {{model: shrinking_core, control: reaction, rate_constant: 1.0e-7 m/s}}
equipment:
  tank:
    type: leach_tank
    temperature: 90
    volume: 1
    solution: {{Na+: 2.0, CO3-2: 1.0}}
    solids:
      scheelite: {{mass: {scheelite_g}, particle_size: {particle_um}}}
    reactions: [soda]
simulation: {{until: 2, outputs: 5{limit}}}
"""


# Three counter-current mixer-settlers with D = 2 and equal flows (extraction factor 2): the Kremser case.
SX_CASCADE_YAML = """
name: three counter-current SX stages, E = 2
units: {volume: m3, flow: m3/s, concentration: mol/m3}
species:
  - {name: WO4(org), formula: WO4, phase: organic, source: "test solute in the organic phase"}
equipment:
  feed: {type: feed, flow: 1.0e-3, solution: {WO4-2: 20}}
  raffinate: {type: product}
  loaded: {type: product}
  solvent: {type: organic_feed, flow: 1.0e-3}
  s1: {type: mixer_settler, volume: 1.0, extraction: [{metal: WO4-2, complex: WO4(org), law: {type: constant, D: 2}}]}
  s2: {type: mixer_settler, volume: 1.0, extraction: [{metal: WO4-2, complex: WO4(org), law: {type: constant, D: 2}}]}
  s3: {type: mixer_settler, volume: 1.0, extraction: [{metal: WO4-2, complex: WO4(org), law: {type: constant, D: 2}}]}
connections:
  - feed.out -> s1.aqueous_in
  - solvent.out -> s3.organic_in
  - s1.aqueous_out -> s2.aqueous_in
  - s2.organic_out -> s1.organic_in
  - s2.aqueous_out -> s3.aqueous_in
  - s3.organic_out -> s2.organic_in
  - s3.aqueous_out -> raffinate.in
  - s1.organic_out -> loaded.in
steady_state: {tolerance: 1.0e-13}
"""
