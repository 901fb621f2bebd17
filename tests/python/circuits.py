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
