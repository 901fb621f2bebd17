"""200-case sweeps: on 2 C++ threads and on a dask.distributed LocalCluster of 2 worker processes, both equal to
the serial run bit for bit; flowsheets travel to the workers as their YAML."""

import os

import numpy as np
import pytest

import hydromet

distributed = pytest.importorskip("distributed")

VOLUMES = [f"{v:g} m3" for v in np.linspace(1.0, 20.0, 20)]
FLOWS = [f"{q:g} m3/h" for q in np.linspace(2.0, 40.0, 10)]
OUTPUT = "tank.c[Na+]"


def tracer_flowsheet():
    fs = hydromet.Flowsheet("tracer")
    fs.add_unit("feed", "feed", flow="10 m3/h", solution={"Na+": "100 mol/m3", "Cl-": "100 mol/m3"})
    fs.add_unit("tank", "tank", volume="5 m3")
    fs.add_unit("out", "product")
    fs.connect("feed.out", "tank.in")
    fs.connect("tank.out", "out.in")
    fs.set_simulation(until="1 h", outputs=3)
    return fs


def cases():
    """The 20 x 10 grid (200 cases) and one case that must fail."""
    grid = [{"tank.volume": v, "feed.flow": q} for v in VOLUMES for q in FLOWS]
    assert len(grid) == 200
    return [*grid, {"tank.volume": "-1 m3", "feed.flow": "5 m3/h"}]


@pytest.fixture(scope="module")
def serial():
    return hydromet.sweep(tracer_flowsheet(), cases(), [OUTPUT], mode="dynamic", threads=1, progress=False)


def final_sodium(flowsheet):
    return float(flowsheet.simulate([0.0, 1800.0, 3600.0]).output(OUTPUT)[-1])


def test_serial_sweep_matches_the_closed_form_and_reports_the_failed_case(serial):
    assert serial["error"].isna().tolist() == [True] * 200 + [False]
    assert "volume" in serial["error"].iloc[-1]
    assert np.isnan(serial[OUTPUT].iloc[-1])
    # Well-mixed tank filled with feed from zero: c(1 h) = 100 (1 - exp(-Q t / V)).
    flow = np.array([float(q.split()[0]) for q in serial["feed.flow"].iloc[:200]])
    volume = np.array([float(v.split()[0]) for v in serial["tank.volume"].iloc[:200]])
    np.testing.assert_allclose(serial[OUTPUT].to_numpy()[:200], 100.0 * (1.0 - np.exp(-flow / volume)), rtol=1e-6)


def test_two_threads_equal_the_serial_sweep_bit_for_bit(serial):
    threaded = hydromet.sweep(tracer_flowsheet(), cases(), [OUTPUT], mode="dynamic", threads=2, progress=False)
    np.testing.assert_array_equal(threaded[OUTPUT].to_numpy(), serial[OUTPUT].to_numpy())
    assert threaded["error"].tolist()[:200] == serial["error"].tolist()[:200]
    assert threaded["error"].iloc[-1] == serial["error"].iloc[-1]


@pytest.mark.filterwarnings("ignore:make_current is deprecated:DeprecationWarning")  # tornado, inside distributed
def test_local_cluster_of_two_processes_equals_the_serial_sweep_bit_for_bit(serial):
    fs = tracer_flowsheet()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=50) as cluster, distributed.Client(cluster) as client:
        distributed_sweep = hydromet.sweep(fs, cases(), [OUTPUT], mode="dynamic", executor=client, progress=False)
        # A flowsheet built in code pickles as its YAML and is solved in a worker process.
        remote = client.submit(final_sodium, fs).result()
        worker_pids = set(client.run(os.getpid).values())
        # Both workers ran sweep tasks: each logs its task transitions as (key, from, to, ...).
        tasks_per_worker = client.run(lambda dask_worker: sum(
            1 for entry in dask_worker.state.log
            if len(entry) > 2 and "_run_block" in str(entry[0]) and entry[2] == "memory"))
    assert len(worker_pids) == 2 and os.getpid() not in worker_pids  # two separate processes
    assert all(count > 0 for count in tasks_per_worker.values()), tasks_per_worker
    assert sum(tasks_per_worker.values()) == 29  # 201 cases in blocks of ceil(201 / 32) = 7
    np.testing.assert_array_equal(distributed_sweep[OUTPUT].to_numpy(), serial[OUTPUT].to_numpy())
    assert distributed_sweep["error"].tolist()[:200] == serial["error"].tolist()[:200]
    assert distributed_sweep["error"].iloc[-1] == serial["error"].iloc[-1]
    assert remote == final_sodium(fs)
