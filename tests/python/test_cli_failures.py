"""The command line when a run fails: exit codes, and no partial results left behind (atomic outputs)."""

import subprocess

import pytest
from circuits import batch_scheelite_yaml

# A flowsheet that passes every input check but that the solver cannot finish: two internal steps for a
# two-hour leach (simulation.max_steps bounds the steps over the whole run).
SOLVER_FAILURE = batch_scheelite_yaml(name="solver failure", max_steps=2)


def run(cli, *arguments):
    return subprocess.run([cli, *map(str, arguments)], capture_output=True, text=True, timeout=120)


@pytest.fixture
def failing_flowsheet(tmp_path):
    path = tmp_path / "solver_failure.yaml"
    path.write_text(SOLVER_FAILURE)
    return path


def test_solver_failure_passes_validation(cli, failing_flowsheet):
    # The failure must come from the solver, not from the input checks.
    result = run(cli, "validate", failing_flowsheet)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("existing", [False, True], ids=["new_dir", "existing_empty_dir"])
def test_failed_run_exits_3_and_writes_nothing(cli, tmp_path, failing_flowsheet, existing):
    out = tmp_path / "out"
    if existing:
        out.mkdir()
    result = run(cli, "run", failing_flowsheet, "--out", out)
    assert result.returncode == 3, f"exit {result.returncode}, stderr:\n{result.stderr}"
    assert result.stderr.startswith("error: "), result.stderr
    assert "max_steps = 2" in result.stderr, result.stderr  # the step limit, not another failure
    # Neither the results nor any temporary file: the directory is absent or empty.
    left = sorted(p.name for p in out.iterdir()) if out.exists() else []
    assert left == [], f"a failed run left {left} in {out}"
    assert out.exists() == existing


def test_same_flowsheet_with_enough_steps_writes_results(cli, tmp_path, failing_flowsheet):
    # Control: the same file with the default step limit succeeds and writes every result file, so the
    # test above fails for the step limit and not for some other reason.
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text(failing_flowsheet.read_text().replace(", max_steps: 2", ""))
    out = tmp_path / "out"
    result = run(cli, "run", fixed, "--out", out)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["results.csv", "results.json", "summary.txt"]
