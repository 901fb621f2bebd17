"""The reference flowsheets in flowsheets/: each converges from its file alone, closes its balances and gives
figures a metallurgist would accept (ranges from plant practice, cited in flowsheets/README.md)."""

import math

import pytest

import hydromet

# IUPAC 2021 abridged atomic weights; APT = (NH4)10H2W12O42.4H2O.
ATOMIC_WEIGHT = {"H": 1.008, "N": 14.007, "O": 15.999, "W": 183.84}
APT_MOLAR_MASS = 10 * ATOMIC_WEIGHT["N"] + 50 * ATOMIC_WEIGHT["H"] + 12 * ATOMIC_WEIGHT["W"] + 46 * ATOMIC_WEIGHT["O"]


@pytest.fixture(scope="module")
def wolframite(request):
    from conftest import SOURCE_DIR

    flowsheet = hydromet.Flowsheet.from_yaml(str(SOURCE_DIR / "flowsheets" / "w_wolframite_to_apt.yaml"))
    return flowsheet.solve_steady()


def test_wolframite_to_apt_converges_and_closes_its_balances(wolframite):
    assert wolframite.converged
    assert wolframite.balance.closure() < 1e-9
    # Every W atom fed leaves through one of the sinks: the recoveries add up to one (nothing accumulates).
    w_sinks = [
        "W recovery to APT",
        "W lost to leach residue",
        "W lost to raffinate",
        "W lost to purification cake",
        "W lost to organic bleed",
        "W lost to vapour",
    ]
    assert math.fsum(wolframite.kpis[name] for name in w_sinks) == pytest.approx(1.0, abs=1e-9)


def test_wolframite_to_apt_figures_are_those_of_a_plant(wolframite):
    kpis = wolframite.kpis
    # The only solid in the APT cake is APT: its W grade is the formula's.
    assert kpis["W grade of APT"] == pytest.approx(12 * ATOMIC_WEIGHT["W"] / APT_MOLAR_MASS, rel=1e-6)
    # NaOH-leach plants recover 97-99.5 % of the W to APT; the residue keeps most of the loss.
    assert 0.95 < kpis["W recovery to APT"] < 0.998
    assert kpis["W lost to leach residue"] > kpis["W lost to raffinate"]
    # Amine SX runs at pH 1-3 (extraction window pH 2-4 at the feed; the raffinate is more acidic).
    assert 1.0 < wolframite.output("E3.pH") < 3.0
    # Stripped organic carries little W back; the loaded strip liquor is a 150-350 g/L WO3 APT feed.
    wo3 = 231.84  # g/mol
    strip_wo3 = wolframite.output("S1.c[WO4-2]") * wo3 / 1000.0  # g/L
    assert 150.0 < strip_wo3 < 350.0
    # NaOH use: 2 mol per mol W fed at 2x excess, i.e. about 4 x 0.8925 mol/s x 17 g/mol per t/h of concentrate.
    assert kpis["NaOH use (as OH-)"] == pytest.approx(4.3 * 3.0 * 17.007, rel=1e-9)
