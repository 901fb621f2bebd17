"""Plots: the data drawn equals the result data, and the result data agrees with closed forms."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import hydromet  # noqa: E402
from circuits import SX_CASCADE_YAML, tracer_yaml  # noqa: E402
from hydromet import plotting  # noqa: E402

SCHEELITE_MOLAR_DENSITY = 6120.0 / 0.287914  # mol/m3: 6120 kg/m3 (data/minerals.yaml) over M(CaWO4)
RATE_CONSTANT = 1.0e-7  # m/s
CARBONATE = 1000.0  # mol/m3

SX_CASCADE = SX_CASCADE_YAML

CRYSTALLIZER = """
units: {volume: m3, flow: m3/h, concentration: mol/m3, length: um, temperature: degC}
equipment:
  liquor: {type: feed, flow: 1, temperature: 25, solution: {Ca+2: 2, WO4-2: 2, Na+: 4, Cl-: 4}}
  cryst:
    type: crystallizer
    volume: 1
    temperature: 25
    product: scheelite
    components: [Ca+2, WO4-2, Na+, Cl-, H+]
    grid: {min: 0, max: 200, classes: 40}
    limiter: van_leer
    nucleation: {primary_rate_constant: 1.0e8, primary_order: 2}
    growth: {rate_constant: 1.0e-8 m/s, order: 1}
  out: {type: product}
connections:
  - liquor.out -> cryst.in
  - cryst.out -> out.in
simulation: {until: 4 h, outputs: 3}
"""

TRACER = tracer_yaml()


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def batch_leach(sizes_um, fractions, hours, outputs):
    fs = hydromet.Flowsheet("batch leach by size", units={"temperature": "degC", "time": "h", "length": "um",
                                                          "volume": "L", "mass": "g", "concentration": "mol/L"})
    fs.add_reaction("soda", "scheelite + CO3-2 -> calcite + WO4-2", mineral="scheelite", reagent="CO3-2",
                    kinetics={"model": "shrinking_core", "control": "reaction", "rate_constant": "1.0e-7 m/s"})
    # A trace of mineral keeps the carbonate constant, so every class follows its own closed form.
    fs.add_unit("tank", "leach_tank", temperature=90, volume=1, solution={"Na+": 2.0, "CO3-2": 1.0},
                solids={"scheelite": {"mass": 1.0e-6,
                                      "size_distribution": {"sizes": sizes_um, "mass_fractions": fractions}}},
                reactions=["soda"])
    fs.set_simulation(until=hours, outputs=outputs)
    return fs.simulate()


def test_time_series_and_leach_curves_draw_the_outputs():
    result = hydromet.Flowsheet.from_string(TRACER).simulate()
    ax = plotting.plot_time_series(result, unit="tank")
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {n for n in result.output_names if n.startswith("tank.")}
    np.testing.assert_array_equal(lines["tank.c[Na+]"].get_ydata(), result.output("tank.c[Na+]"))
    np.testing.assert_allclose(lines["tank.c[Na+]"].get_xdata(), result.times / 60.0, rtol=1e-15)  # 1 h: minutes

    leach = batch_leach([20, 50, 100, 200], [0.1, 0.3, 0.4, 0.2], 3, 7)
    ax = plotting.plot_leach_curves(leach)
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"tank.conversion[scheelite]", "tank.extraction[W]", "tank.extraction[Ca]"}
    np.testing.assert_array_equal(lines["tank.extraction[W]"].get_ydata(), 100 * leach.output("tank.extraction[W]"))
    np.testing.assert_allclose(lines["tank.extraction[W]"].get_xdata(), leach.times / 3600.0, rtol=1e-15)


def test_conversion_by_size_follows_the_shrinking_core_per_class():
    sizes = [20, 50, 100, 200]
    result = batch_leach(sizes, [0.1, 0.3, 0.4, 0.2], 3, 7)
    ax = plotting.plot_conversion_by_size(result, "tank", time_index=3)
    (line,) = ax.get_lines()
    np.testing.assert_allclose(line.get_xdata(), sizes, rtol=1e-12)
    outputs = np.array([result.output(f"tank.conversion[scheelite,{k}]")[3] for k in range(4)])
    np.testing.assert_array_equal(line.get_ydata(), 100.0 * outputs)
    drawn = line.get_ydata() / 100.0
    # Reaction control: X_k = 1 - (1 - t/tau_k)^3 with tau_k = rho_m r_k / (k_s c), capped at 1.
    t = result.times[3]
    tau = SCHEELITE_MOLAR_DENSITY * (np.array(sizes) * 0.5e-6) / (RATE_CONSTANT * CARBONATE)
    expected = 1.0 - np.clip(1.0 - t / tau, 0.0, None) ** 3
    np.testing.assert_allclose(drawn, expected, rtol=1e-5, atol=1e-7)


def test_sx_profile_and_mccabe_thiele_match_kremser():
    result = hydromet.Flowsheet.from_string(SX_CASCADE).solve_steady()
    profile = plotting.sx_profile(result)
    assert list(profile.index) == ["s1", "s2", "s3"]
    raffinate = 20.0 * (2.0 - 1.0) / (2.0 ** 4 - 1.0)  # Kremser, E = 2, N = 3: phi = (E - 1)/(E^(N+1) - 1)
    assert profile["c[WO4-2] [mol/m3]"]["s3"] == pytest.approx(raffinate, rel=1e-9)
    ax = plotting.plot_sx_profile(result)
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_array_equal(lines["WO4-2 (aq)"].get_ydata(), 1e-3 * profile["c[WO4-2] [mol/m3]"].to_numpy())
    np.testing.assert_array_equal(lines["WO4(org) (org)"].get_ydata(),
                                  1e-3 * profile["c_org[WO4(org)] [mol/m3]"].to_numpy())

    ax = plotting.plot_mccabe_thiele(result, "WO4-2", "WO4(org)")
    lines = {line.get_label(): line for line in ax.get_lines()}
    x = np.array([result.output(f"s{k}.c[WO4-2]") for k in (1, 2, 3)]) * 1e-3
    y = np.array([result.output(f"s{k}.c_org[WO4(org)]") for k in (1, 2, 3)]) * 1e-3
    equilibrium = lines["equilibrium (c_eq)"]
    np.testing.assert_allclose(equilibrium.get_ydata(), 2.0 * np.asarray(equilibrium.get_xdata()), rtol=1e-9)
    np.testing.assert_array_equal(lines["stages (c_org)"].get_xdata(), x)
    # The operating line runs from (feed, loaded organic) to (raffinate, fresh solvent), through (x_k, y_k+1).
    operating = lines["operating line"]
    np.testing.assert_allclose(operating.get_xdata(), [0.020, *x], rtol=1e-12)
    np.testing.assert_allclose(operating.get_ydata(), [*y, 0.0], rtol=1e-12, atol=1e-15)
    slope = np.diff(operating.get_ydata()) / np.diff(operating.get_xdata())
    np.testing.assert_allclose(slope, 1.0, rtol=1e-8)  # O/A = 1


def test_mccabe_thiele_finds_the_stages_of_an_sx_cascade_by_itself():
    cascade = """
units: {volume: m3, flow: m3/s, concentration: mol/m3}
species:
  - {name: WO4(org), formula: WO4, phase: organic, source: "test solute in the organic phase"}
equipment:
  feed: {type: feed, flow: 1.0e-3, solution: {WO4-2: 20}}
  solvent: {type: organic_feed, flow: 1.0e-3}
  raffinate: {type: product}
  loaded: {type: product}
  sx:
    type: sx_cascade
    mixer_volume: 1.0
    extraction:
      - {metal: WO4-2, complex: WO4(org), law: {type: constant, D: 2}}
    sections: {extraction: {stages: 3}}
connections: [feed.out -> sx.feed, solvent.out -> sx.organic_in, sx.raffinate -> raffinate.in,
              sx.organic_out -> loaded.in]
"""
    result = hydromet.Flowsheet.from_string(cascade).solve_steady()
    assert plotting.sx_profile(result).index.tolist() == ["sx.E1", "sx.E2", "sx.E3"]
    ax = plotting.plot_mccabe_thiele(result, "WO4-2", "WO4(org)")
    lines = {line.get_label(): line for line in ax.get_lines()}
    x = np.array([result.output(f"sx.E{k}.c[WO4-2]") for k in (1, 2, 3)]) * 1e-3
    np.testing.assert_array_equal(lines["stages (c_org)"].get_xdata(), x)
    # Kremser, E = 2, N = 3: the last stage's aqueous is 20 (E - 1)/(E^4 - 1) mol/m3.
    assert x[-1] == pytest.approx(20e-3 / 15.0, rel=1e-9)


def test_size_distribution_draws_the_number_density_on_the_grid():
    result = hydromet.Flowsheet.from_string(CRYSTALLIZER).simulate()
    frame = plotting.size_distribution(result, "cryst")
    np.testing.assert_allclose(frame["centre [m]"], (np.arange(40) + 0.5) * 5e-6, rtol=1e-12)
    n = np.array([result.output(f"cryst.n[{i}]")[-1] for i in range(40)])
    np.testing.assert_array_equal(frame["n [1/m4]"], n)
    # The zeroth moment is the number of crystals per volume: the sum of n times the cell width.
    assert frame["number [1/m3]"].sum() == pytest.approx(result.output("cryst.mu0")[-1], rel=1e-9)
    ax = plotting.plot_size_distribution(result, "cryst", time_indices=(1, 2))
    first, last = ax.get_lines()
    np.testing.assert_allclose(last.get_xdata(), 1e6 * frame["centre [m]"], rtol=1e-12)
    np.testing.assert_array_equal(last.get_ydata(), n)
    np.testing.assert_array_equal(first.get_ydata(), [result.output(f"cryst.n[{i}]")[1] for i in range(40)])


def test_sankey_flows_are_the_stream_element_flows_and_balance():
    tracer = hydromet.Flowsheet.from_string(TRACER).solve_steady()
    (diagram,) = plotting.plot_sankey(tracer, "Na")
    np.testing.assert_allclose(diagram.flows, [10.0 / 3600.0 * 100.0, -10.0 / 3600.0 * 100.0], rtol=1e-9)

    result = hydromet.Flowsheet.from_string(SX_CASCADE).solve_steady()
    flows = plotting.element_flows(result, "W")
    assert flows["feed.out -> s1.aqueous_in"] == pytest.approx(0.020, rel=1e-12)  # 1e-3 m3/s x 20 mol/m3
    fig, ax = plt.subplots()
    diagrams = plotting.plot_sankey(result, "W", ax=ax)
    assert ax.sankey_units == ["s1", "s2", "s3"]
    for unit, diagram in zip(ax.sankey_units, diagrams):
        inflows = sorted(f for name, f in flows.items() if name.split("->")[1].strip().startswith(unit + ".")
                         and abs(f) > 0)
        assert sorted(f for f in diagram.flows if f > 0) == pytest.approx(inflows, rel=1e-12)
        assert abs(sum(diagram.flows)) < 1e-12 * max(abs(diagram.flows))  # W is conserved in every stage
    with pytest.raises(KeyError, match="Nb"):
        plotting.plot_sankey(result, "Nb")
