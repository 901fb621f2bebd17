"""Runs every worked example in examples/ (small grids, `--quick`) and checks its numbers against independent
references: single runs, the Kremser equation, the MSMPR moments, the stated truth of a synthetic fit, and the
Python package for the embedded C++ program."""

import importlib.util
import math
import os
import pathlib
import re
import subprocess

import numpy as np
import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("HYDROMET_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
EXAMPLES = SOURCE_DIR / "examples"


def load_example(name):
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_temperature_excess_map_equals_single_runs_and_rises(tmp_path):
    example = load_example("sweep_temperature_excess")
    flowsheet, temperatures, excesses, table = example.main([str(tmp_path), "--quick"])
    assert (tmp_path / "w_recovery_map.png").stat().st_size > 10_000
    grid = table["recovery"].to_numpy().reshape(len(temperatures), len(excesses))
    # Two grid points solved on their own give the map's values to the last bit.
    for i, j in [(0, 0), (len(temperatures) - 1, 1)]:
        single = example.single_run(flowsheet, float(temperatures[i]), float(excesses[j]))
        assert grid[i, j] == single, (temperatures[i], excesses[j])
    # Recovery rises with temperature (Arrhenius) and with carbonate excess (first order in CO3-2).
    assert np.all(np.diff(grid, axis=0) > 0)
    assert np.all(np.diff(grid, axis=1) > 0)
    assert 0.0 < grid.min() < 0.5 < 0.95 < grid.max() <= 1.0
    # The stoichiometric carbonate is that of the file: 100 g CaWO4 in 0.5 L; 2.5 x gives its 1.737 mol/L.
    assert abs(2.5 * example.stoichiometric_carbonate(flowsheet) - 1.737) < 1e-3


def kremser_unextracted(extraction_factor, stages):
    """Treybal, Mass-Transfer Operations (1980) eq. 10.58: phi = (E - 1)/(E^(N+1) - 1); 1/(N+1) at E = 1."""
    if extraction_factor == 1.0:
        return 1.0 / (stages + 1.0)
    return (extraction_factor - 1.0) / (extraction_factor ** (stages + 1) - 1.0)


@pytest.mark.parametrize("ratio, oa, target", [(2.0, 1.0, 0.02), (0.75, 2.0, 0.05), (1.2, 1.0, 0.05)])
def test_sx_stage_count_matches_kremser(tmp_path, ratio, oa, target):
    example = load_example("sx_stage_count")
    table, chosen = example.main([str(tmp_path), "--D", repr(ratio), "--oa", repr(oa), "--target", repr(target)])
    extraction_factor = ratio * oa
    for n in table.index:
        expected = kremser_unextracted(extraction_factor, n)
        assert abs(table.loc[n, "unextracted [-]"] - expected) < 1e-8 * expected
    expected_n = next((n for n in range(1, 9) if kremser_unextracted(extraction_factor, n) <= target), None)
    assert expected_n is not None
    assert chosen == expected_n
    assert (tmp_path / "mccabe_thiele.png").stat().st_size > 10_000


def test_sx_stage_count_reports_unreachable_target(tmp_path):
    example = load_example("sx_stage_count")
    # E = 0.5 < 1: at most 1 - phi(inf) = E = 50 % can ever be extracted, so 10 % unextracted is unreachable.
    table, chosen = example.main([str(tmp_path), "--D", "0.5", "--target", "0.1"])
    assert chosen is None
    assert table["unextracted [-]"].min() > 0.5


def test_crystalliser_size_grows_with_residence_time_as_msmpr(tmp_path):
    example = load_example("crystalliser_residence_time")
    fs, table = example.main([str(tmp_path), "--quick"])
    assert (tmp_path / "crystalliser_residence_time.png").stat().st_size > 10_000
    tau = table["tau [h]"].to_numpy()
    assert np.allclose(tau, [0.25, 0.5, 1.0], rtol=1e-12)
    assert np.all(np.diff(table["L43 [um]"].to_numpy()) > 0)
    assert np.all(np.diff(table["yield [%]"].to_numpy()) > 0)
    # Steady MSMPR with size-independent growth: L43 = 4 G tau with the unit's own G (Randolph and Larson
    # 1988, ch. 3). Measured 0.6 % at tau = 0.25 h (G tau = 7.7 um on 2 um cells), less for longer tau.
    relative = np.abs(table["L43 [um]"] / table["4 G tau [um]"] - 1.0).to_numpy()
    assert np.all(relative < 0.01), relative
    # Steady number balance of an MSMPR, B0 = mu0 / tau, from the unit's own nucleation rate (measured 1e-6 at
    # tau = 1 h after 20 tau, 1e-11 for the shorter ones).
    number_balance = (table["cryst.mu0"] / (table["cryst.B0"] * table["cryst.residence_time"]) - 1.0).to_numpy()
    assert np.all(np.abs(number_balance) < 1e-5), number_balance
    # The dynamic run of one case closes the W and Ca balances over the run.
    one = fs.copy()
    one["cryst.volume"] = 0.5
    closures = one.simulate().plant_balance_table()["closure [-]"]
    assert closures.max() < 1e-10, closures


def test_leach_fit_recovers_the_stated_parameters(tmp_path):
    example = load_example("fit_leach_kinetics")
    rate_constant, energy, (rate_error, energy_error), result = example.main([str(tmp_path), "--quick"])
    assert result.success
    assert (tmp_path / "leach_fit.png").stat().st_size > 10_000
    # Within three standard errors of the truth the data were generated with, and the errors are small.
    assert abs(rate_constant - example.TRUE_RATE_CONSTANT) < 3.0 * rate_error
    assert abs(energy - example.TRUE_ACTIVATION_ENERGY) < 3.0 * energy_error
    assert rate_error < 0.05 * example.TRUE_RATE_CONSTANT and energy_error < 3.0
    # Without noise the fit returns the truth itself: the sensitivity Jacobian is right.
    exact = example.measured_curves(noise=0.0)
    k_exact, ea_exact, _, _ = example.fit(exact)
    assert abs(k_exact / example.TRUE_RATE_CONSTANT - 1.0) < 1e-5
    assert abs(ea_exact / example.TRUE_ACTIVATION_ENERGY - 1.0) < 1e-5


def test_sensitivity_jacobian_of_the_fit_matches_differences():
    # The Jacobian the fit uses (at its rtol 1e-9) against central differences of two runs at rtol 1e-11
    # (at 1e-9 the differences themselves carry 5e-5 relative integration noise; measured 1e-6 agreement
    # at 1e-11).
    example = load_example("fit_leach_kinetics")
    theta = np.array([math.log(5e-8), 70.0])
    times = [0.5, 1.5]
    _, jacobian = example.model(theta, 185.0, times)
    for column, step in [(0, 1e-4), (1, 1e-3)]:
        delta = np.zeros(2)
        delta[column] = step
        difference = (example.model(theta + delta, 185.0, times, 1e-11)[0]
                      - example.model(theta - delta, 185.0, times, 1e-11)[0]) / (2 * step)
        assert np.allclose(jacobian[:, column], difference, rtol=1e-5, atol=0), (column, jacobian, difference)
    # At the reference temperature k = k_ref whatever Ea: the Ea column vanishes.
    _, at_reference = example.model(theta, 200.0, times)
    assert np.all(at_reference[:, 1] == 0.0) and np.all(at_reference[:, 0] > 0.0)


def test_embedded_cpp_program_prints_the_python_value(tmp_path):
    build_dir = os.environ.get("HYDROMET_BUILD_DIR")
    if not build_dir:
        pytest.skip("HYDROMET_BUILD_DIR is not set (set by ctest): needs the build tree to install from")
    # Staged with DESTDIR: the Python package's install rule has an absolute destination (the interpreter's
    # site-packages), which `--prefix` alone does not redirect; DESTDIR keeps every file inside tmp_path.
    stage = tmp_path / "stage"
    prefix = stage / "hydromet"
    subprocess.run(["cmake", "--install", build_dir, "--prefix", "/hydromet"], check=True, capture_output=True,
                   env=dict(os.environ, DESTDIR=str(stage)))
    assert any(prefix.glob("lib*/cmake/hydromet/hydrometConfig.cmake"))
    example_build = tmp_path / "build"
    env = dict(os.environ, CCACHE_DISABLE="1")
    subprocess.run(["cmake", "-S", str(EXAMPLES / "embed_cpp"), "-B", str(example_build),
                    "-DCMAKE_BUILD_TYPE=Release", f"-DCMAKE_PREFIX_PATH={prefix}"],
                   check=True, capture_output=True, env=env)
    subprocess.run(["cmake", "--build", str(example_build)], check=True, capture_output=True, env=env)
    flowsheet = SOURCE_DIR / "flowsheets" / "w_scheelite_soda_batch.yaml"
    output = "autoclave.extraction[W]"
    run = subprocess.run([str(example_build / "leach_kpi"), str(flowsheet), output], check=True,
                         capture_output=True, text=True)
    match = re.fullmatch(re.escape(output) + r" = (\S+)\n", run.stdout)
    assert match, run.stdout
    import hydromet

    expected = float(hydromet.Flowsheet.from_yaml(flowsheet).simulate().output(output)[-1])
    assert float(match[1]) == expected
    assert 0.9 < expected < 1.0 + 1e-9  # complete dissolution; the integrator may overshoot 1 by ~rtol
    # A mistake in the input is reported, not crashed on.
    bad = subprocess.run([str(example_build / "leach_kpi"), str(flowsheet), "autoclave.nonsense"],
                         capture_output=True, text=True)
    assert bad.returncode == 1 and "nonsense" in bad.stderr
