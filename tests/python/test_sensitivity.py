"""Steady-state sensitivities from the Jacobian, against central differences of the steady solve and against
the derivative of the Kremser equation."""

import numpy as np
import pytest

import hydromet
from circuits import SX_CASCADE_YAML

SX_CASCADE = SX_CASCADE_YAML

LEACH_TRAIN = """
units: {temperature: degC, time: h, length: um, volume: m3, concentration: mol/L, mass_flow: kg/h, flow: m3/h}
size_classes: [75, 60, 45, 30, 15]
reactions:
  soda:
    equation: scheelite + CO3-2 -> calcite + WO4-2
    mineral: scheelite
    reagent: CO3-2
    kinetics: {model: shrinking_core, control: reaction, rate_constant: 6.3e-8 m/s, activation_energy: 72 kJ/mol,
               reference_temperature: 90}
equipment:
  feed: {type: feed, flow: 1, solution: {Na+: 2, CO3-2: 1}, solids: {scheelite: 50}}
  leach1: {type: leach_tank, mode: continuous, volume: 0.5, temperature: 90, reactions: [soda]}
  leach2: {type: leach_tank, mode: continuous, model: segregated, volume: 0.5, temperature: 90, reactions: [soda]}
  out: {type: product}
connections: [feed.out -> leach1.in, leach1.out -> leach2.in, leach2.out -> out.in]
steady_state: {tolerance: 1.0e-13}
"""


def central_difference(flowsheet, path, outputs, relative=1e-4):
    """d(outputs)/d(parameter) by two steady solves at the parameter moved by +-relative of its value."""
    text = flowsheet[path]
    number = text.split()[0]
    suffix = text[len(number):]
    value = float(number)
    step = relative * abs(value)
    solved = []
    for moved in (value + step, value - step):
        variant = flowsheet.copy()
        variant[path] = repr(moved) + suffix
        result = variant.solve_steady()
        solved.append(np.array([result.output(o) for o in outputs]))
    return (solved[0] - solved[1]) / (2 * step)


def assert_agree(jacobian_based, finite_difference, rtol=1e-5):
    scale = np.max(np.abs(finite_difference))
    np.testing.assert_allclose(jacobian_based, finite_difference, rtol=rtol, atol=1e-9 * scale)


def test_sx_sensitivities_match_kremser_and_finite_differences():
    fs = hydromet.Flowsheet.from_string(SX_CASCADE)
    outputs = ["s3.c[WO4-2]", "s1.c_org[WO4(org)]", "s2.D[WO4(org)]"]
    parameters = ["solvent.flow", "feed.solution.WO4-2", "feed.flow"]
    s = hydromet.sensitivities(fs, parameters, outputs)
    assert s.attrs["values"]["s3.c[WO4-2]"] == pytest.approx(20.0 / 15.0, rel=1e-10)
    # Kremser: x_N = x_F (E - 1)/(E^(N+1) - 1), E = D O / A; d x_N / d O = x_F D / A d phi / d E.
    A = O = 1e-3
    D, N, x_feed = 2.0, 3, 20.0
    E = D * O / A
    dphi_dE = ((E ** (N + 1) - 1) - (E - 1) * (N + 1) * E ** N) / (E ** (N + 1) - 1) ** 2
    assert s.loc["s3.c[WO4-2]", "solvent.flow"] == pytest.approx(x_feed * dphi_dE * D / A, rel=1e-7)
    assert s.loc["s3.c[WO4-2]", "feed.solution.WO4-2"] == pytest.approx(1.0 / 15.0, rel=1e-7)  # linear in x_F
    # D is constant: its derivative is rounding noise, below 1e-8 in relative terms (dD/dQ Q / D).
    assert abs(s.loc["s2.D[WO4(org)]", "feed.flow"]) * 1e-3 / 2.0 < 1e-8
    for path in parameters:
        assert_agree(s[path].to_numpy(), central_difference(fs, path, outputs))


def test_leach_sensitivities_match_finite_differences_of_the_steady_solve():
    fs = hydromet.Flowsheet.from_string(LEACH_TRAIN)
    outputs = ["leach1.conversion[scheelite]", "leach2.conversion[scheelite]", "leach2.c[WO4-2]",
               "leach2.extraction[W]"]
    parameters = ["leach1.temperature", "leach2.volume", "reactions.soda.kinetics.rate_constant",
                  "feed.solution.CO3-2"]
    s = hydromet.sensitivities(fs, parameters, outputs)
    assert s.attrs["parameter_texts"]["reactions.soda.kinetics.rate_constant"] == "6.3e-8 m/s"
    assert s.loc["leach1.conversion[scheelite]", "leach1.temperature"] > 0  # Arrhenius: hotter, faster
    assert s.loc["leach1.conversion[scheelite]", "leach2.volume"] == 0.0  # downstream cannot act upstream
    for path in parameters:
        assert_agree(s[path].to_numpy(), central_difference(fs, path, outputs))


def test_sensitivity_mistakes_are_input_errors():
    fs = hydromet.Flowsheet.from_string(SX_CASCADE)
    with pytest.raises(hydromet.InputError, match="did you mean `s3.c\\[WO4-2\\]`"):
        hydromet.sensitivities(fs, ["solvent.flow"], ["s3.c[WO4-3]"])
    with pytest.raises(hydromet.InputError, match="did you mean `flow`"):
        hydromet.sensitivities(fs, ["solvent.flw"], ["s3.c[WO4-2]"])
    with pytest.raises(hydromet.InputError, match="not a number"):
        hydromet.sensitivities(fs, ["feed.type"], ["s3.c[WO4-2]"])


def test_dynamic_forward_sensitivities_of_a_batch_leach_match_finite_differences(demo_flowsheet):
    fs = hydromet.Flowsheet.from_yaml(demo_flowsheet)
    fs["simulation.relative_tolerance"] = "1e-10"
    times = [0.0, 1800.0, 3600.0, 7200.0]
    outputs = ["autoclave.extraction[W]", "autoclave.c[CO3-2]"]
    parameters = ["reactions.scheelite_soda.kinetics.rate_constant", "autoclave.temperature",
                  "autoclave.solution.CO3-2"]
    s = hydromet.dynamic_sensitivities(fs, parameters, outputs, times)
    assert list(s.index.get_level_values(0).unique()) == times
    # At t = 0 only the initial carbonate moves the carbonate: 1 mol/L is 1000 mol/m3.
    assert s.loc[(0.0, "autoclave.c[CO3-2]"), "autoclave.solution.CO3-2"] == pytest.approx(1000.0, rel=1e-9)
    assert s.loc[(0.0, "autoclave.extraction[W]")].abs().max() == 0.0
    for path in parameters:
        text = fs[path]
        number = text.split()[0]
        suffix = text[len(number):]
        value, step = float(number), 1e-4 * abs(float(number))
        runs = []
        for moved in (value + step, value - step):
            variant = fs.copy()
            variant[path] = repr(moved) + suffix
            result = variant.simulate(times)
            runs.append(np.column_stack([result.output(o) for o in outputs]).ravel())
        assert_agree(s[path].to_numpy(), (runs[0] - runs[1]) / (2 * step))


SX_KPI = "kpis:\n  - {name: W to loaded organic, type: recovery, element: W, product: loaded, feeds: [feed]}\n"


def moved_copies(flowsheet, path, relative=1e-4, rtol=None):
    """Copies of the flowsheet with the parameter at +-relative of its value, and the step (for central FD);
    `rtol` replaces the copies' relative tolerance (a difference of runs needs tighter runs)."""
    text = flowsheet[path]
    number = text.split()[0]
    suffix = text[len(number):]
    value = float(number)
    step = relative * abs(value)
    copies = []
    for moved in (value + step, value - step):
        variant = flowsheet.copy()
        variant[path] = repr(moved) + suffix
        if rtol is not None:
            variant["simulation.relative_tolerance"] = repr(rtol)
        copies.append(variant)
    return copies, step


def test_steady_kpi_sensitivity_matches_kremser_and_finite_differences():
    fs = hydromet.Flowsheet.from_string(SX_CASCADE + SX_KPI)
    kpi = "W to loaded organic"
    s = hydromet.sensitivities(fs, ["solvent.flow", "feed.flow"], [kpi, "s3.c[WO4-2]"])
    # Recovery to the organic = 1 - x_N / x_F, so its derivative is -(1/x_F) d x_N/dO (Kremser, as above).
    A = O = 1e-3
    D, N, x_feed = 2.0, 3, 20.0
    E = D * O / A
    dphi_dE = ((E ** (N + 1) - 1) - (E - 1) * (N + 1) * E ** N) / (E ** (N + 1) - 1) ** 2
    assert s.attrs["values"][kpi] == pytest.approx(1.0 - 1.0 / 15.0, rel=1e-10)
    assert s.loc[kpi, "solvent.flow"] == pytest.approx(-dphi_dE * D / A, rel=1e-7)
    for path in ["solvent.flow", "feed.flow"]:
        copies, step = moved_copies(fs, path)
        up, down = (c.solve_steady().kpis[kpi] for c in copies)
        assert s.loc[kpi, path] == pytest.approx((up - down) / (2 * step), rel=1e-5)


def assert_dynamic_agrees(fs, parameters, outputs, kpis, times, exact_zero=()):
    """Forward sensitivities (IDAS, at the file's rtol 1e-10) against central differences of whole runs at rtol
    1e-12 (at 1e-10 the difference quotient itself is off by up to 5e-5 on the leach train, the forward
    sensitivities are not): the outputs at every time and the KPIs (cumulative over the run) at the last one.
    `exact_zero`: (kpi, parameter) pairs whose derivative is 0 by construction, checked by the caller against 0;
    their difference quotient is the two runs' rounding alone (2e-12 of the KPI apart at rtol 1e-12)."""
    s = hydromet.dynamic_sensitivities(fs, parameters, outputs + kpis, times)
    last = times[-1]
    for path in parameters:
        copies, step = moved_copies(fs, path, rtol=1e-12)
        runs = [c.simulate(times) for c in copies]
        fd = (np.column_stack([runs[0].output(o) for o in outputs]) -
              np.column_stack([runs[1].output(o) for o in outputs])) / (2 * step)
        got = np.array([[s.loc[(t, o), path] for o in outputs] for t in times])
        assert_agree(got.ravel(), fd.ravel())
        for kpi in kpis:
            if (kpi, path) in exact_zero:
                continue
            fd_kpi = (runs[0].kpis[kpi] - runs[1].kpis[kpi]) / (2 * step)
            # Absolute floor: 1e-8 of the KPI per parameter (a KPI unmoved by p shows rounding noise only).
            floor = 1e-8 * abs(runs[0].kpis[kpi]) / abs(float(fs[path].split()[0]))
            assert s.loc[(last, kpi), path] == pytest.approx(fd_kpi, rel=1e-5, abs=floor)
    return s


def test_dynamic_sensitivities_of_an_sx_start_up_with_algebraic_rows_match_finite_differences():
    # Mixer-settlers hold algebraic rows: IDAS with its forward sensitivity module.
    fs = hydromet.Flowsheet.from_string(SX_CASCADE + SX_KPI + "simulation: {until: 3000, relative_tolerance: 1.0e-10}\n")
    assert fs.simulate([0.0, 3000.0]).statistics.method.startswith("IDAS")
    times = [0.0, 300.0, 1000.0, 3000.0]
    s = assert_dynamic_agrees(fs, ["solvent.flow", "feed.solution.WO4-2", "s2.volume"],
                              ["s3.c[WO4-2]", "s1.c_org[WO4(org)]"], ["W to loaded organic"], times,
                              exact_zero={("W to loaded organic", "feed.solution.WO4-2")})
    # The feed concentration scales the whole start-up (every state is linear in it): d c / d x_F = c / x_F.
    values = s.attrs["values"]
    np.testing.assert_allclose([s.loc[(t, "s3.c[WO4-2]"), "feed.solution.WO4-2"] for t in times],
                               values["s3.c[WO4-2]"].to_numpy() / 20.0, rtol=1e-7, atol=1e-15)
    # A ratio: no effect (the forward sensitivity gives 3e-12 against the KPI's 0.66 per 20 mol/m3).
    assert abs(s.loc[(3000.0, "W to loaded organic"), "feed.solution.WO4-2"]) < 1e-10


def test_dynamic_sensitivities_of_a_continuous_leach_train_match_finite_differences():
    fs = hydromet.Flowsheet.from_string(LEACH_TRAIN + "simulation: {until: 1, relative_tolerance: 1.0e-10}\n")
    assert fs.simulate([0.0, 3600.0]).statistics.method.startswith("IDAS")
    assert_dynamic_agrees(fs, ["leach1.temperature", "reactions.soda.kinetics.rate_constant", "feed.solution.CO3-2"],
                          ["leach2.conversion[scheelite]", "leach2.c[WO4-2]", "leach1.c[CO3-2]"], [],
                          [0.0, 600.0, 1800.0, 3600.0])
