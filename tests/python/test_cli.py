"""The command line: run, validate, exit codes and error locations."""

import json
import subprocess


def run(cli, *arguments):
    return subprocess.run([cli, *map(str, arguments)], capture_output=True, text=True, timeout=120)


def test_version_and_help(cli):
    version = run(cli, "--version")
    assert version.returncode == 0
    assert "hydromet" in version.stdout
    helped = run(cli, "--help")
    assert helped.returncode == 0
    assert "run" in helped.stdout and "validate" in helped.stdout


def test_validate_ok(cli, demo_flowsheet):
    result = run(cli, "validate", demo_flowsheet)
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stdout


def test_validate_misspelled_key_exits_2_with_location(cli, tmp_path, demo_flowsheet):
    text = demo_flowsheet.read_text().replace("    temperature: 200", "    temprature: 200")
    broken = tmp_path / "broken.yaml"
    broken.write_text(text)
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "temprature" in l)
    result = run(cli, "validate", broken)
    assert result.returncode == 2
    assert f"broken.yaml:{line}:5: error: unknown key `temprature`" in result.stderr
    assert "did you mean `temperature`" in result.stderr
    assert "^" in result.stderr


def test_missing_file_exits_2(cli, tmp_path):
    result = run(cli, "validate", tmp_path / "nope.yaml")
    assert result.returncode == 2
    assert "nope.yaml" in result.stderr


def test_bad_arguments_exit_2(cli):
    assert run(cli, "run").returncode == 2
    assert run(cli, "frobnicate").returncode == 2


def test_run_writes_results(cli, tmp_path, demo_flowsheet):
    out = tmp_path / "out"
    result = run(cli, "run", demo_flowsheet, "--out", out, "--until", "1 h", "--format", "json")
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed["times"][-1] == 3600.0
    assert printed["element_balance"]["closure"] < 1e-10
    assert sorted(p.name for p in out.iterdir()) == ["results.csv", "results.json", "summary.txt"]
    header = (out / "results.csv").read_text().splitlines()[0]
    assert header.startswith("time [s],")


def test_run_table(cli, demo_flowsheet):
    result = run(cli, "run", demo_flowsheet)
    assert result.returncode == 0, result.stderr
    assert "autoclave.extraction[W] [%]" in result.stdout
    assert "Element balance" in result.stdout


def test_bad_until_exits_2(cli, demo_flowsheet):
    result = run(cli, "run", demo_flowsheet, "--until", "5 kg")
    assert result.returncode == 2
    assert "expected a time" in result.stderr


def test_run_start_overrides_where_a_dynamic_run_begins(cli, tmp_path):
    from circuits import tracer_yaml

    path = tmp_path / "tracer.yaml"
    path.write_text(tracer_yaml())

    def tank_na(*extra):
        result = run(cli, "run", path, "--format", "csv", *extra)
        assert result.returncode == 0, result.stderr
        header, *rows = [line.split(",") for line in result.stdout.strip().splitlines()]
        column = header.index("tank.c[Na+] [mol/m3]")
        return [float(row[column]) for row in rows]

    # From the initial state the empty tank fills as 100 (1 − e^(−t/τ)), τ = 0.5 h; from the steady state it
    # holds the feed's 100 mol/m3 throughout.
    initial = tank_na()
    assert initial[0] == 0.0 and abs(initial[1] / (100.0 * (1.0 - 2.718281828459045 ** -0.5)) - 1.0) < 1e-6
    assert all(abs(c / 100.0 - 1.0) < 1e-9 for c in tank_na("--start", "steady"))
    assert run(cli, "run", path, "--start", "stedy").returncode != 0


def test_printed_numbers_read_back_to_the_same_doubles(cli, demo_flowsheet):
    # The CLI writes each number as the shortest decimal that reads back to the same double: its JSON and CSV
    # must give, bit for bit, what the same simulation gives through the Python API.
    import hydromet

    result = hydromet.Flowsheet.from_yaml(demo_flowsheet).simulate()
    printed = run(cli, "run", demo_flowsheet, "--format", "json")
    assert printed.returncode == 0, printed.stderr
    data = json.loads(printed.stdout)
    table = run(cli, "run", demo_flowsheet, "--format", "csv")
    assert table.returncode == 0, table.stderr
    header, *rows = [line.split(",") for line in table.stdout.strip().splitlines()]
    assert [float(row[0]) for row in rows] == list(result.times) == data["times"]
    checked = 0
    for name, column in data["outputs"].items():
        expected = list(result.output(name))
        assert column["values"] == expected, name
        at = header.index(f"{name} [{column['unit']}]")
        assert [float(row[at]) for row in rows] == expected, name
        checked += any(value not in (0.0, 1.0) for value in expected)
    assert checked >= 5  # outputs with values of many digits, not only zeros and ones
