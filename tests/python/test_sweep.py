"""Parameter paths, pickling and sweeps (threads and executors), against serial runs and closed forms."""

import concurrent.futures
import math
import pickle

import numpy as np
import pytest

import hydromet
from circuits import tracer_yaml

CIRCUIT = tracer_yaml(outputs=3)


def test_parameter_paths_read_and_write_with_units():
    fs = hydromet.Flowsheet.from_yaml_string(CIRCUIT)
    assert fs["tank.volume"] == "5"
    assert fs["simulation.until"] == "1"
    fs["tank.volume"] = "2500 L"
    assert fs["tank.volume"] == "2500 L"
    with pytest.raises(hydromet.InputError, match="did you mean `volume`"):
        fs["tank.volum"] = "3"
    with pytest.raises(hydromet.InputError):
        fs["tank.volume"] = "3 kg"  # re-validated: a mass is not a volume


def test_pickle_round_trip_gives_the_same_model():
    fs = hydromet.Flowsheet.from_yaml_string(CIRCUIT)
    fs["feed.flow"] = "20 m3/h"
    clone = pickle.loads(pickle.dumps(fs))
    assert clone["feed.flow"] == "20 m3/h"
    a = fs.simulate([0, 900, 1800])
    b = clone.simulate([0, 900, 1800])
    np.testing.assert_array_equal(a.outputs, b.outputs)


def tracer(volume_m3, flow_m3_per_h, hours):
    return 100.0 * (1.0 - math.exp(-flow_m3_per_h * hours / volume_m3))


def test_dynamic_sweep_matches_closed_form_and_threads_match_serial():
    fs = hydromet.Flowsheet.from_yaml_string(CIRCUIT)
    params = {"tank.volume": [2, 5, 10, 20], "feed.flow": ["5 m3/h", "10 m3/h", "40 m3/h"]}
    serial = hydromet.sweep(fs, params, ["tank.c[Na+]"], mode="dynamic", threads=1, progress=False)
    threaded = hydromet.sweep(fs, params, ["tank.c[Na+]"], mode="dynamic", threads=2, progress=False)
    assert len(serial) == 12 and serial["error"].isna().all()
    np.testing.assert_array_equal(serial["tank.c[Na+]"].to_numpy(), threaded["tank.c[Na+]"].to_numpy())
    for _, row in serial.iterrows():
        flow = float(row["feed.flow"].split()[0])
        expected = tracer(float(row["tank.volume"]), flow, 1.0)
        assert row["tank.c[Na+]"] == pytest.approx(expected, rel=1e-6)


def test_failed_cases_are_reported_and_do_not_stop_the_sweep():
    fs = hydromet.Flowsheet.from_yaml_string(CIRCUIT)
    result = hydromet.sweep(fs, [{"tank.volume": "5"}, {"tank.volume": "-1"}, {"tank.volume": "oops"}],
                            ["tank.c[Na+]", "no.such_output"], mode="dynamic", threads=2, progress=False)
    assert list(result["error"].isna()) == [False, False, False]  # the unknown output fails every case
    good = hydromet.sweep(fs, [{"tank.volume": "5"}, {"tank.volume": "-1"}], ["tank.c[Na+]"], mode="dynamic",
                          progress=False)
    assert good["error"].isna().tolist() == [True, False]
    assert "volume" in good["error"][1]
    assert math.isnan(good["tank.c[Na+]"][1])


def test_steady_sweep_through_an_executor_equals_the_threaded_sweep():
    fs = hydromet.Flowsheet.from_yaml_string(CIRCUIT)
    params = {"feed.solution.Na+": [50, 100, 150]}
    threaded = hydromet.sweep(fs, params, ["tank.c[Na+]"], mode="steady", threads=2, progress=False)
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        executed = hydromet.sweep(fs, params, ["tank.c[Na+]"], mode="steady", executor=pool, progress=False)
    np.testing.assert_array_equal(threaded["tank.c[Na+]"].to_numpy(), executed["tank.c[Na+]"].to_numpy())
    np.testing.assert_allclose(threaded["tank.c[Na+]"].to_numpy(), [50, 100, 150], rtol=1e-9)
