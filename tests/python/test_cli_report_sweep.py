"""`hydromet report` and `hydromet sweep`: output, exit codes, help, progress, no partial files after a failure."""

import csv
import html.parser
import io
import math
import re
import subprocess

import numpy as np
import pytest

import hydromet
from circuits import SX_CASCADE_YAML, batch_scheelite_yaml, tracer_yaml

TRACER = tracer_yaml()

SOLVER_FAILURE = batch_scheelite_yaml(name="solver failure", max_steps=2)

VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "wbr"}
SVG_SELF_CLOSING = {"rect", "line", "polyline", "path", "circle"}


class StrictParser(html.parser.HTMLParser):
    """Checks that every element is closed in order and collects the cells of tables by id."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.tables, self.polylines, self.external = [], [], {}, [], []
        self._table, self._row, self._cell = None, None, None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in ("src", "href"):
            if name in attributes and not attributes[name].startswith("#"):
                self.external.append(attributes[name])
        if tag == "polyline":
            self.polylines.append(attributes)
        if tag in VOID:
            return
        self.stack.append(tag)
        if tag == "table":
            self._table = self.tables.setdefault(attributes.get("id", f"table{len(self.tables)}"), [])
        elif tag == "tr" and self._table is not None:
            self._row = []
            self._table.append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_startendtag(self, tag, attrs):
        if tag == "polyline":
            self.polylines.append(dict(attrs))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def parse_report(text):
    assert text.startswith("<!DOCTYPE html>")
    parser = StrictParser()
    parser.feed(text)
    parser.close()
    assert parser.errors == []
    assert parser.stack == [], f"unclosed elements: {parser.stack}"
    assert parser.external == [], "the page must not load anything"
    return parser


def run(cli, *arguments):
    return subprocess.run([cli, *map(str, arguments)], capture_output=True, text=True, timeout=120)


@pytest.fixture
def tracer_file(tmp_path):
    path = tmp_path / "tracer.yaml"
    path.write_text(TRACER)
    return path


@pytest.mark.parametrize("command", ["run", "validate", "graph", "sweep", "report", "speciate"])
def test_every_subcommand_has_help_with_examples(cli, command):
    helped = run(cli, command, "--help")
    assert helped.returncode == 0, helped.stderr
    assert "Example" in helped.stdout and f"hydromet {command} " in helped.stdout


def test_steady_report_holds_the_stream_table_of_the_solution(cli, tmp_path, tracer_file):
    out = tmp_path / "reports" / "tracer.html"
    result = run(cli, "report", tracer_file, "--steady", "--out", out)
    assert result.returncode == 0, result.stderr
    page = parse_report(out.read_text())
    expected = hydromet.Flowsheet.from_yaml(tracer_file).solve_steady().stream_table()
    rows = page.tables["stream-table"]
    header, body = rows[0], rows[1:]
    assert [row[0] for row in body] == list(expected.index)
    for row in body:
        for column, cell in zip(header[3:], row[3:]):
            value = float(expected.loc[row[0], column])
            assert float(cell) == pytest.approx(value, rel=1e-5, abs=1e-12), (row[0], column)
    assert float(dict((r[0], r[4]) for r in body)["tank.out -> out.in"]) == pytest.approx(10.0)  # m3/h
    na = header.index("Na+ [mol/L]")
    assert float(body[1][na]) == pytest.approx(0.1, rel=1e-8)  # steady CSTR: outlet = feed
    plant = {row[0]: row for row in page.tables["plant-balance"][1:]}
    assert abs(float(plant["Na"][5])) < 1e-8  # closure [-]
    diagram = out.read_text().split('id="flowsheet-diagram"')[1].split("</svg>")[0]
    assert sorted(re.findall(r'data-unit="([^"]+)"', diagram)) == ["feed", "out", "tank"]


def test_dynamic_report_plots_the_output_series(cli, tmp_path, demo_flowsheet):
    out = tmp_path / "leach.html"
    result = run(cli, "report", demo_flowsheet, "--out", out)
    assert result.returncode == 0, result.stderr
    page = parse_report(out.read_text())
    series = {p["data-series"]: p["points"] for p in page.polylines}
    assert "extraction[W]" in series and "conversion[scheelite]" in series
    data = hydromet.Flowsheet.from_yaml(demo_flowsheet).simulate()
    points = [tuple(map(float, pair.split(","))) for pair in series["extraction[W]"].split()]
    assert len(points) == len(data.times)
    # Pixel y is an affine map of the value: check it against the result to the drawing precision (0.01 px).
    values = data.output("autoclave.extraction[W]")
    slope, intercept = np.polyfit(values, [y for _, y in points], 1)
    assert slope < 0
    np.testing.assert_allclose(slope * values + intercept, [y for _, y in points], atol=0.02)


def test_failed_report_exits_3_and_leaves_no_file(cli, tmp_path):
    flowsheet = tmp_path / "failure.yaml"
    flowsheet.write_text(SOLVER_FAILURE)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    result = run(cli, "report", flowsheet, "--out", out_dir / "report.html", "--progress")
    assert result.returncode == 3, result.stderr
    assert list(out_dir.iterdir()) == []
    assert "hydromet: simulating" in result.stderr and "failed" in result.stderr and "done" not in result.stderr


def test_report_of_a_broken_file_exits_2(cli, tmp_path, tracer_file):
    broken = tmp_path / "broken.yaml"
    broken.write_text(TRACER.replace("volume: 5", "volume: 5 kg"))
    result = run(cli, "report", broken, "--out", tmp_path / "r.html")
    assert result.returncode == 2
    assert "broken.yaml:" in result.stderr and "expected a volume" in result.stderr
    assert not (tmp_path / "r.html").exists()


def read_csv(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_sweep_grid_matches_closed_form_and_python_and_threads(cli, tmp_path, tracer_file):
    arguments = ["sweep", tracer_file, "--dynamic", "--param", "tank.volume=2,5", "--param",
                 "feed.flow=5 m3/h,10 m3/h,40 m3/h", "--output", "tank.c[Na+]"]
    one = run(cli, *arguments, "--threads", "1")
    two = run(cli, *arguments, "--threads", "2", "--out", tmp_path / "sweep")
    assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr
    assert one.stdout == two.stdout  # bit for bit (17 significant digits printed)
    assert (tmp_path / "sweep" / "sweep.csv").read_text() == two.stdout
    rows = read_csv(one.stdout)
    assert len(rows) == 6 and all(row["error"] == "" for row in rows)
    python = hydromet.sweep(hydromet.Flowsheet.from_yaml(tracer_file),
                            {"tank.volume": ["2", "5"], "feed.flow": ["5 m3/h", "10 m3/h", "40 m3/h"]},
                            ["tank.c[Na+]"], mode="dynamic", threads=1, progress=False)
    for row, (_, expected) in zip(rows, python.iterrows()):
        assert (row["tank.volume"], row["feed.flow"]) == (expected["tank.volume"], expected["feed.flow"])
        assert float(row["tank.c[Na+]"]) == expected["tank.c[Na+]"]
        flow, volume = float(row["feed.flow"].split()[0]), float(row["tank.volume"])
        assert float(row["tank.c[Na+]"]) == pytest.approx(100.0 * (1 - math.exp(-flow / volume)), rel=1e-6)


def test_sweep_with_a_failed_case_reports_it_and_exits_3(cli, tmp_path, tracer_file):
    result = run(cli, "sweep", tracer_file, "--param", "tank.volume=5,-1", "--output", "tank.c[Na+]",
                 "--out", tmp_path / "out")
    assert result.returncode == 3
    rows = read_csv(result.stdout)
    assert rows[0]["error"] == "" and float(rows[0]["tank.c[Na+]"]) == pytest.approx(100.0, rel=1e-9)
    assert "volume" in rows[1]["error"] and rows[1]["tank.c[Na+]"] == "nan"
    assert "1 of 2 cases failed" in result.stderr


def test_sweep_bad_path_or_syntax_exits_2(cli, tracer_file):
    misspelled = run(cli, "sweep", tracer_file, "--param", "tank.volum=1,2", "--output", "tank.c[Na+]")
    assert misspelled.returncode == 2 and "did you mean `volume`" in misspelled.stderr
    no_values = run(cli, "sweep", tracer_file, "--param", "tank.volume", "--output", "tank.c[Na+]")
    assert no_values.returncode == 2 and "PATH=V1,V2" in no_values.stderr
    assert run(cli, "sweep", tracer_file, "--param", "tank.volume=1").returncode == 2  # no --output


def test_progress_only_when_asked_or_on_a_terminal(cli, tracer_file):
    quiet = run(cli, "run", tracer_file)
    assert quiet.returncode == 0 and quiet.stderr == ""
    shown = run(cli, "run", tracer_file, "--progress")
    assert shown.returncode == 0 and "hydromet: simulating" in shown.stderr and "done" in shown.stderr
    swept = run(cli, "sweep", tracer_file, "--param", "tank.volume=2,5,10", "--output", "tank.c[Na+]",
                "--progress")
    assert swept.returncode == 0 and "3/3 cases" in swept.stderr


SX_CASCADE = SX_CASCADE_YAML


def test_diagram_lays_a_counter_current_cascade_out_in_layers(cli, tmp_path):
    flowsheet = tmp_path / "sx.yaml"
    flowsheet.write_text(SX_CASCADE)
    out = tmp_path / "sx.html"
    result = run(cli, "report", flowsheet, "--steady", "--out", out)
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    parse_report(text)
    diagram = text.split('id="flowsheet-diagram"')[1].split("</svg>")[0]
    boxes = {name: (float(x), float(y)) for name, x, y in
             re.findall(r'data-unit="([^"]+)"><rect x="([\d.]+)" y="([\d.]+)"', diagram)}
    # The aqueous path runs left to right, one layer per unit; the organic recycles are drawn dashed.
    order = ["feed", "s1", "s2", "s3", "raffinate"]
    assert [boxes[u][0] for u in order] == sorted(boxes[u][0] for u in order)
    assert len({boxes[u][0] for u in order}) == 5
    assert boxes["loaded"][0] > boxes["s1"][0] and boxes["solvent"][0] < boxes["s3"][0]
    assert len(set(boxes.values())) == len(boxes) == 7  # no two units in one slot
    assert diagram.count("stroke-dasharray") == 2  # s2 -> s1 and s3 -> s2 organic


# The headless Chromium screenshot test is in test_report_chromium.py.
