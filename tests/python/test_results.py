"""Results as data: DataFrames with units in the column names, against closed forms and conservation."""

import html.parser
import math

import numpy as np
import pytest

import hydromet
from circuits import tracer_yaml

TRACER = tracer_yaml(kpi=True)

FEED_RATE = 10.0 / 3600.0 * 100.0  # mol/s of Na (and of Cl)


class Cells(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells, self._open = [], False

    def handle_starttag(self, tag, attrs):
        self._open = tag in ("td", "th")

    def handle_data(self, data):
        if self._open and data.strip():
            self.cells.append(data.strip())


def test_steady_tables_have_units_and_close_the_balances():
    result = hydromet.Flowsheet.from_string(TRACER).solve_steady()
    streams = result.stream_table()
    assert list(streams.columns[:4]) == ["from", "to", "temperature [degC]", "aqueous flow [m3/h]"]
    assert streams.loc["tank.out -> out.in", "Na+ [mol/L]"] == pytest.approx(0.1, rel=1e-10)
    assert streams.loc["tank.out -> out.in", "aqueous flow [m3/h]"] == pytest.approx(10.0, rel=1e-12)

    kpis = result.kpi_table()
    assert kpis.loc["Na recovery", "value"] == pytest.approx(1.0, rel=1e-10)
    assert kpis.loc["Na recovery", "unit"] == "-"

    units = result.unit_balance_table()
    assert units.index.names == ["unit", "element"]
    assert units.loc[("tank", "Na"), "in [mol/s]"] == pytest.approx(FEED_RATE, rel=1e-12)
    assert units.loc[("tank", "Na"), "out [mol/s]"] == pytest.approx(FEED_RATE, rel=1e-10)
    assert np.all(np.abs(units["in - out - accumulation [mol/s]"]) < 1e-10 * FEED_RATE)

    plant = result.plant_balance_table()
    assert plant.loc["Na", "in [mol/s]"] == pytest.approx(FEED_RATE, rel=1e-12)
    assert np.all(np.abs(plant["closure [-]"]) < 1e-10)

    parser = Cells()
    parser.feed(result._repr_html_())
    assert "Na recovery" in parser.cells and "tank.out -> out.in" in parser.cells


def test_dynamic_tables_follow_the_washing_in_of_a_tank():
    result = hydromet.Flowsheet.from_string(TRACER).simulate()
    hours = result.times / 3600.0
    c = 100.0 * (1.0 - np.exp(-10.0 * hours / 5.0))  # mol/m3 in the tank
    profile = result.unit_dataframe("tank")
    np.testing.assert_allclose(profile["c[Na+] [mol/m3]"], c, rtol=1e-6, atol=1e-9)
    assert profile.index.name == "time [s]"

    plant = result.plant_balance_table()
    fed = 10.0 * 1.0 * 100.0  # m3/h x h x mol/m3
    assert plant.loc["Na", "in [mol]"] == pytest.approx(fed, rel=1e-8)
    assert plant.loc["Na", "final [mol]"] == pytest.approx(5.0 * c[-1], rel=1e-6)
    # The tank washes out: out = in - held = Q c_in t - V c(t).
    assert plant.loc["Na", "out [mol]"] == pytest.approx(fed - 5.0 * c[-1], rel=1e-6)
    assert abs(plant.loc["Na", "closure [-]"]) < 1e-10

    assert result.kpi_table().loc["Na recovery", "unit"] == "-"
    units = result.unit_balance_table()
    tank = units.loc[("tank", "Na")]
    # At the last time the tank accumulates Na at Q (c_in - c).
    assert tank["accumulation [mol/s]"] == pytest.approx(10.0 / 3600.0 * (100.0 - c[-1]), rel=1e-5)
    with pytest.raises(KeyError, match="tank"):
        result.unit_dataframe("tonk")
    parser = Cells()
    parser.feed(result._repr_html_())
    assert "Na recovery" in parser.cells
    assert math.isclose(result.times[-1], 3600.0)


def test_python_reports_are_the_command_line_reports(cli, tmp_path):
    import subprocess

    path = tmp_path / "tracer.yaml"
    path.write_text(TRACER)
    fs = hydromet.Flowsheet.from_yaml(path)
    svg = fs.to_svg()
    assert svg.startswith("<svg") and fs._repr_svg_() == svg
    assert sorted(__import__("re").findall(r'data-unit="([^"]+)"', svg)) == ["feed", "out", "tank"]
    for steady in (True, False):
        page = tmp_path / f"python-{steady}.html"
        result = fs.solve_steady() if steady else fs.simulate()
        result.write_report(page)
        command = [cli, "report", str(path), "--out", str(tmp_path / f"cli-{steady}.html")]
        assert subprocess.run(command + (["--steady"] if steady else []), capture_output=True).returncode == 0
        assert page.read_text() == (tmp_path / f"cli-{steady}.html").read_text()
    with pytest.raises(hydromet.Error, match="cannot write"):
        fs.solve_steady().write_report(tmp_path / "missing" / "report.html")
    assert not (tmp_path / "missing").exists()
    building = hydromet.Flowsheet("incomplete")
    building.add_unit("tank", "tank", volume=1)
    assert building._repr_svg_() is None  # unconnected ports: Jupyter falls back to the text repr
