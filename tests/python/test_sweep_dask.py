"""Sweeps on a dask.distributed LocalCluster (one worker process): the same numbers as the C++ threads, bit for
bit, and flowsheets travel to the worker as their YAML."""

import numpy as np
import pytest

import hydromet

distributed = pytest.importorskip("distributed")

TRACER = """
units: {volume: m3, flow: m3/h, concentration: mol/m3, time: h}
equipment:
  feed: {type: feed, flow: 10, solution: {Na+: 100, Cl-: 100}}
  tank: {type: tank, volume: 5}
  out: {type: product}
connections:
  - feed.out -> tank.in
  - tank.out -> out.in
simulation: {until: 1, outputs: 3}
"""


def final_sodium(flowsheet):
    return float(flowsheet.simulate([0.0, 1800.0, 3600.0]).output("tank.c[Na+]")[-1])


@pytest.mark.filterwarnings("ignore:make_current is deprecated:DeprecationWarning")  # tornado, inside distributed
def test_dask_local_cluster_sweep_equals_the_threaded_sweep():
    fs = hydromet.Flowsheet("tracer")
    fs.add_unit("feed", "feed", flow="10 m3/h", solution={"Na+": "100 mol/m3", "Cl-": "100 mol/m3"})
    fs.add_unit("tank", "tank", volume="5 m3")
    fs.add_unit("out", "product")
    fs.connect("feed.out", "tank.in")
    fs.connect("tank.out", "out.in")
    fs.set_simulation(until="1 h", outputs=3)
    params = {"tank.volume": ["2 m3", "5 m3", "10 m3", "20 m3"], "feed.flow": ["5 m3/h", "10 m3/h", "40 m3/h"]}
    params_with_failure = [*[dict(zip(params, (v, f))) for v in params["tank.volume"] for f in params["feed.flow"]],
                           {"tank.volume": "-1 m3", "feed.flow": "5 m3/h"}]
    threaded = hydromet.sweep(fs, params_with_failure, ["tank.c[Na+]"], mode="dynamic", threads=2, progress=False)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None,
                                  silence_logs=50) as cluster, distributed.Client(cluster) as client:
        distributed_sweep = hydromet.sweep(fs, params_with_failure, ["tank.c[Na+]"], mode="dynamic",
                                           executor=client, progress=False)
        # A flowsheet built in code pickles as its YAML and is solved in the worker process.
        remote = client.submit(final_sodium, fs).result()
        worker_pids = set(client.run(lambda: __import__("os").getpid()).values())
    assert __import__("os").getpid() not in worker_pids  # the cases really ran in another process
    np.testing.assert_array_equal(threaded["tank.c[Na+]"].to_numpy(), distributed_sweep["tank.c[Na+]"].to_numpy())
    assert distributed_sweep["error"].isna().tolist() == [True] * 12 + [False]
    assert "volume" in distributed_sweep["error"].iloc[-1]
    assert remote == final_sodium(fs)
    # Closed form at 1 h: c = 100 (1 - exp(-Q t / V)).
    for _, row in distributed_sweep.iloc[:12].iterrows():
        flow, volume = float(row["feed.flow"].split()[0]), float(row["tank.volume"].split()[0])
        assert row["tank.c[Na+]"] == pytest.approx(100.0 * (1.0 - np.exp(-flow / volume)), rel=1e-6)
