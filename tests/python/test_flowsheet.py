"""The Python package: loading, simulation, results as arrays and DataFrames, errors."""

import math

import numpy as np
import pytest

import hydromet
from circuits import batch_scheelite_yaml

BATCH = batch_scheelite_yaml(name="python test", scheelite_g=1.0e-6, particle_um=100)


def test_error_hierarchy():
    assert issubclass(hydromet.InputError, hydromet.Error)
    assert issubclass(hydromet.SolverError, hydromet.Error)
    assert issubclass(hydromet.Error, Exception)


def test_simulate_matches_reaction_control_closed_form():
    flowsheet = hydromet.Flowsheet.from_yaml_string(BATCH)
    assert flowsheet.unit_names == ["tank"]
    scheelite_molar_mass = 0.287914  # kg/mol, CaWO4 = 40.078 + 183.84 + 4 x 15.999 (IUPAC 2021 abridged)
    density = 6120.0  # kg/m3 (bundled data/minerals.yaml, Handbook of Mineralogy)
    tau = (density / scheelite_molar_mass) * 50e-6 / (1.0e-7 * 1000.0)
    times = np.array([0.0, 0.25, 0.5, 0.75]) * tau
    result = flowsheet.simulate(times)
    conversion = result.output("tank.conversion[scheelite]")
    # Reagent in large excess: 1 - (1 - X)^(1/3) = t / tau.
    np.testing.assert_allclose(1.0 - np.cbrt(1.0 - conversion[1:]), times[1:] / tau, rtol=1e-6)
    assert result.balance.closure() < 1e-10
    assert result.statistics.method in ("CVODES", "IDAS")
    assert result.statistics.steps > 0


def test_dataframe_has_time_index_and_unit_columns():
    result = hydromet.Flowsheet.from_yaml_string(BATCH).simulate()
    frame = result.to_dataframe()
    assert frame.index.name == "time [s]"
    assert len(frame) == 5
    assert math.isclose(frame.index[-1], 2 * 3600.0)
    assert "tank.conversion[scheelite] [-]" in frame.columns
    assert "tank.c[WO4-2] [mol/m3]" in frame.columns
    assert np.all(np.diff(frame["tank.conversion[scheelite] [-]"].to_numpy()) > 0)


def test_input_error_carries_location():
    broken = BATCH.replace("temperature: 90", "tempreature: 90")
    with pytest.raises(hydromet.InputError) as caught:
        hydromet.Flowsheet.from_yaml_string(broken, "broken.yaml")
    message = str(caught.value)
    line = next(i for i, text in enumerate(broken.splitlines(), 1) if "tempreature" in text)
    assert f"broken.yaml:{line}:5:" in message
    assert "did you mean `temperature`" in message


def test_demo_flowsheet_runs(demo_flowsheet):
    flowsheet = hydromet.Flowsheet.from_yaml(demo_flowsheet)
    result = flowsheet.simulate()
    extraction = result.output("autoclave.extraction[W]")
    assert extraction[0] == 0.0
    assert 0.99 < extraction[-1] < 1.0 + 1e-8  # complete within the solver tolerance
    assert result.balance.closure() < 1e-10
