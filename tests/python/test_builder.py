"""Flowsheets built and edited in code: the same model as the YAML, errors at the line and at the Python call."""

import inspect
import math
import pickle

import numpy as np
import pytest

import hydromet
from circuits import tracer_yaml

TRACER_YAML = tracer_yaml()


def build_tracer():
    fs = hydromet.Flowsheet("tracer tank", units={"volume": "m3", "flow": "m3/h", "concentration": "mol/m3",
                                                   "time": "h"})
    fs.add_unit("feed", "feed", {"flow": 10, "solution": {"Na+": 100, "Cl-": 100}})
    fs.add_unit("tank", "tank", volume=5)
    fs.add_unit("out", "product")
    fs.connect("feed.out", "tank.in")
    fs.connect("tank.out", "out.in")
    fs.set_simulation(until=1, outputs=5)
    return fs


def test_built_flowsheet_equals_the_yaml_one_to_the_last_bit():
    built = build_tracer().simulate()
    written = hydromet.Flowsheet.from_string(TRACER_YAML).simulate()
    assert built.output_names == written.output_names
    np.testing.assert_array_equal(built.times, written.times)
    np.testing.assert_array_equal(built.outputs, written.outputs)
    # And against the closed form of a CSTR washed in from zero: c = c_in (1 - exp(-Q t / V)).
    expected = 100.0 * (1.0 - np.exp(-10.0 * written.times / 3600.0 / 5.0))
    np.testing.assert_allclose(built.output("tank.c[Na+]"), expected, rtol=1e-6, atol=1e-9)


def test_to_yaml_file_loads_to_the_same_model(tmp_path):
    fs = build_tracer()
    fs.add_unit("tank2", "tank", volume=0.1 + 0.2)  # 0.30000000000000004: must survive the round trip exactly
    fs.disconnect("tank.out", "out.in")
    fs.connect("tank.out", "tank2.in")
    fs.connect("tank2.out", "out.in")
    assert fs["tank2.volume"] == repr(0.1 + 0.2)
    path = tmp_path / "built.yaml"
    fs.write_yaml(path)
    reloaded = hydromet.Flowsheet.from_yaml(path)
    assert reloaded.unit_names == fs.unit_names == ["feed", "tank", "out", "tank2"]
    a, b = fs.simulate(), reloaded.simulate()
    np.testing.assert_array_equal(a.outputs, b.outputs)
    np.testing.assert_array_equal(a.states, b.states)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["built.yaml"]  # no temporary file left


def test_editing_a_loaded_flowsheet_gives_two_tanks_in_series():
    fs = hydromet.Flowsheet.from_string(TRACER_YAML)
    fs.add_unit("tank2", "tank", volume="5 m3")
    fs.disconnect("tank.out", "out.in")
    fs.connect("tank.out", "tank2.in")
    fs.connect("tank2.out", "out.in")
    result = fs.simulate([0.0, 900.0, 1800.0, 3600.0])
    # Two equal CSTRs in series: c2 = c_in (1 - exp(-t/tau) (1 + t/tau)), tau = V/Q = 0.5 h.
    theta = result.times / 1800.0
    np.testing.assert_allclose(result.output("tank2.c[Na+]"), 100.0 * (1.0 - np.exp(-theta) * (1.0 + theta)),
                               rtol=1e-6, atol=1e-9)
    fs.remove_unit("tank2")
    assert fs.connections == ["feed.out -> tank.in"]
    fs.connect("tank.out", "out.in")
    np.testing.assert_array_equal(fs.simulate([0.0, 3600.0]).outputs,
                                  hydromet.Flowsheet.from_string(TRACER_YAML).simulate([0.0, 3600.0]).outputs)


def test_mistake_in_a_built_unit_names_the_yaml_line_and_the_python_line():
    fs = build_tracer()
    call_line = inspect.currentframe().f_lineno + 1
    fs.add_unit("tank2", "tank", volum=3)
    fs.connect("tank.out", "tank2.in")
    with pytest.raises(hydromet.InputError) as caught:
        fs.simulate()
    message = str(caught.value)
    yaml_line = next(i for i, text in enumerate(fs.to_yaml().splitlines(), 1) if "volum:" in text)
    assert f"<built in Python>:{yaml_line}:" in message
    assert "unknown key `volum`" in message and "did you mean `volume`" in message
    assert f"test_builder.py:{call_line}" in message and "unit `tank2`" in message


def test_builder_calls_check_what_they_can_at_once():
    fs = build_tracer()
    with pytest.raises(hydromet.InputError, match="already in the flowsheet"):
        fs.add_unit("tank", "tank", volume=1)
    with pytest.raises(hydromet.InputError, match="did you mean `tank`"):
        fs.add_unit("t2", "tnak", volume=1)
    with pytest.raises(hydromet.InputError, match="no unit `tonk`"):
        fs.connect("tonk.out", "out.in")
    with pytest.raises(hydromet.InputError, match="expected `unit.port`"):
        fs.connect("tank", "out.in")
    with pytest.raises(hydromet.InputError, match="already connected"):
        fs.connect("tank.out", "out.in")
    with pytest.raises(hydromet.InputError, match="must be non-empty and contain no"):
        fs.add_unit("a.b", "tank")
    with pytest.raises(hydromet.InputError, match="not finite"):
        fs.add_unit("t3", "tank", volume=math.inf)
    # None of the rejected calls changed the model.
    np.testing.assert_array_equal(fs.simulate().outputs, build_tracer().simulate().outputs)


def test_an_unconnected_port_is_reported_when_the_model_is_needed():
    fs = build_tracer()
    fs.add_unit("spare", "tank", volume=1)
    with pytest.raises(hydromet.InputError, match="spare"):
        fs.validate()


def test_rejected_parameter_edit_leaves_the_flowsheet_unchanged():
    fs = build_tracer()
    fs.validate()
    before = fs.to_yaml()
    with pytest.raises(hydromet.InputError, match="expected a volume|volume"):
        fs["tank.volume"] = "3 kg"
    assert fs.to_yaml() == before
    fs["tank.volume"] = 2.5
    assert fs["tank.volume"] == "2.5"


def test_built_flowsheet_pickles_as_its_yaml():
    fs = build_tracer()
    clone = pickle.loads(pickle.dumps(fs))
    assert clone.to_yaml() == fs.to_yaml()
    np.testing.assert_array_equal(clone.simulate().outputs, fs.simulate().outputs)


def test_reactions_and_kpis_from_code_match_the_closed_form():
    fs = hydromet.Flowsheet("batch leach", units={"temperature": "degC", "time": "h", "length": "um",
                                                  "volume": "L", "mass": "g", "concentration": "mol/L"})
    fs.add_reaction("soda", "scheelite + CO3-2 -> calcite + WO4-2", mineral="scheelite", reagent="CO3-2",
                    kinetics={"model": "shrinking_core", "control": "reaction", "rate_constant": "1.0e-7 m/s"})
    fs.add_unit("tank", "leach_tank", temperature=90, volume=1, solution={"Na+": 2.0, "CO3-2": 1.0},
                solids={"scheelite": {"mass": 1.0e-6, "particle_size": 100}}, reactions=["soda"])
    tau = (6120.0 / 0.287914) * 50e-6 / (1.0e-7 * 1000.0)  # s: (rho/M) r0 / (k_s c), c = 1000 mol/m3
    times = np.array([0.0, 0.3, 0.6]) * tau
    conversion = fs.simulate(times).output("tank.conversion[scheelite]")
    np.testing.assert_allclose(1.0 - np.cbrt(1.0 - conversion[1:]), times[1:] / tau, rtol=1e-6)


def test_a_wrong_port_names_the_connect_call():
    fs = build_tracer()
    fs.disconnect("tank.out", "out.in")
    call_line = inspect.currentframe().f_lineno + 1
    fs.connect("tank.outlet", "out.in")
    with pytest.raises(hydromet.InputError) as caught:
        fs.validate()
    message = str(caught.value)
    assert "tank.outlet" in message
    assert f"connection `tank.outlet -> out.in` was added at" in message
    assert f"test_builder.py:{call_line}" in message


LEACH_TRAIN_YAML = """
units: {temperature: degC, length: um, volume: m3, concentration: mol/L, mass_flow: kg/h, flow: m3/h}
size_classes: [75, 60, 45, 30, 15]
reactions:
  soda:
    equation: scheelite + CO3-2 -> calcite + WO4-2
    mineral: scheelite
    reagent: CO3-2
    kinetics: {model: shrinking_core, control: reaction, rate_constant: 6.3e-8 m/s}
equipment:
  feed: {type: feed, flow: 1, solution: {Na+: 2, CO3-2: 1}, solids: {scheelite: 50}}
  leach1: {type: leach_tank, mode: continuous, volume: 0.5, temperature: 90, reactions: [soda]}
  leach2: {type: leach_tank, mode: continuous, volume: 0.5, temperature: 90, reactions: [soda]}
  out: {type: product}
connections: [feed.out -> leach1.in, leach1.out -> leach2.in, leach2.out -> out.in]
steady_state: {tolerance: 1.0e-12}
kpis:
  - {name: W recovery, type: recovery, element: W, product: out}
"""


def test_every_builder_call_gives_the_model_of_the_written_file():
    fs = hydromet.Flowsheet()
    fs.set_units(temperature="degC", length="um", volume="m3")
    fs.set_units({"concentration": "mol/L", "mass_flow": "kg/h", "flow": "m3/h"})
    fs.set_size_classes([75, 60, 45, 30, 15])
    fs.add_reaction("soda", "scheelite + CO3-2 -> calcite + WO4-2", "scheelite", "CO3-2",
                    {"model": "shrinking_core", "control": "reaction", "rate_constant": "6.3e-8 m/s"})
    fs.add_unit("feed", "feed", flow=1, solution={"Na+": 2, "CO3-2": 1}, solids={"scheelite": 50})
    for name in ("leach1", "leach2"):
        fs.add_unit(name, "leach_tank", mode="continuous", volume=0.7, temperature=90, reactions=["soda"])
    fs.set_unit("leach1", volume=0.5)
    fs.set_unit("leach2", volume=0.5)
    fs.add_unit("out", "product")
    fs.connect("feed.out", "leach1.in")
    fs.connect("leach1.out", "leach2.in")
    fs.connect("leach2.out", "out.in")
    fs.set_steady_state(tolerance=1.0e-12)
    fs.add_kpi("W recovery", "recovery", element="W", product="out")
    assert fs.unit_names_as_written() == ["feed", "leach1", "leach2", "out"]
    built = fs.solve_steady()
    written = hydromet.Flowsheet.from_string(LEACH_TRAIN_YAML).solve_steady()
    np.testing.assert_array_equal(built.outputs, written.outputs)
    assert built.kpis == written.kpis
    # The recovery KPI is the extraction of the train: W to solution over W fed.
    fed = written.plant_balance_table().loc["W", "in [mol/s]"]
    dissolved = written.stream_table().loc["leach2.out -> out.in", "WO4-2 [mol/L]"] * 1.0 / 3600.0 * 1000.0
    assert built.kpis["W recovery"] == pytest.approx(1.0, rel=1e-9)  # all W leaves through `out`
    assert 0.0 < dissolved / fed < 1.0


def test_species_added_in_code_are_used_by_the_units():
    fs = hydromet.Flowsheet(units={"volume": "m3", "flow": "m3/s", "concentration": "mol/m3"})
    fs.add_species({"name": "WO4(org)", "formula": "WO4", "phase": "organic", "source": "test solute"})
    fs.add_unit("feed", "feed", flow=1.0e-3, solution={"WO4-2": 20})
    fs.add_unit("solvent", "organic_feed", flow=2.0e-3)
    fs.add_unit("stage", "mixer_settler", volume=1.0,
                extraction=[{"metal": "WO4-2", "complex": "WO4(org)", "law": {"type": "constant", "D": 3}}])
    fs.add_unit("raffinate", "product")
    fs.add_unit("loaded", "product")
    for source, destination in [("feed.out", "stage.aqueous_in"), ("solvent.out", "stage.organic_in"),
                                ("stage.aqueous_out", "raffinate.in"), ("stage.organic_out", "loaded.in")]:
        fs.connect(source, destination)
    result = fs.solve_steady(tolerance=1e-13)
    # One equilibrium stage: A c_F = A c + O D c  =>  c = c_F / (1 + D O / A).
    assert result.output("stage.c[WO4-2]") == pytest.approx(20.0 / (1.0 + 3.0 * 2.0), rel=1e-10)


def test_errors_after_editing_a_file_point_into_the_edited_text(tmp_path):
    path = tmp_path / "tracer.yaml"
    path.write_text(TRACER_YAML)
    fs = hydromet.Flowsheet.from_yaml(path)
    fs.add_unit("spare", "tank", volum=1)
    with pytest.raises(hydromet.InputError) as caught:
        fs.validate()
    message = str(caught.value)
    line = next(i for i, text in enumerate(fs.to_yaml().splitlines(), 1) if "volum:" in text)
    assert f"tracer.yaml (edited: lines of to_yaml()):{line}:" in message
