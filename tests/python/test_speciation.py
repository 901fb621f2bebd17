"""hydromet.speciate and `hydromet speciate`: units, salts, independent references."""

import math
import subprocess

import pytest

import hydromet


@pytest.mark.parametrize("celsius", [25.0, 60.0])
def test_pure_water_ph_is_half_pkw(celsius):
    # Kw(T) from Harned and Robinson, Trans. Faraday Soc. 36 (1940) 973: log Kw = 6.0875 - 0.01706 T - 4470.99/T.
    kelvin = celsius + 273.15
    pkw = -(6.0875 - 0.01706 * kelvin - 4470.99 / kelvin)
    result = hydromet.speciate({"NaCl": 0.0}, T=f"{celsius} degC", activity_model="ideal")
    # Ideal: a(H+) = a(OH-) and a(H+) a(OH-) = Kw a(H2O), with Raoult's ln a(H2O) = -M_w (m(H+) + m(OH-)).
    raoult = math.exp(-0.0180153 * (result.molality("H+") + result.molality("OH-")))
    assert result.water_activity == pytest.approx(raoult, rel=1e-12)
    assert result.pH == pytest.approx((pkw - math.log10(result.water_activity)) / 2, abs=1e-10)


def test_salts_are_expanded_into_basis_species():
    assert hydromet._core.basis_composition("Na2CO3") == {"Na+": 2.0, "CO3-2": 1.0}
    assert hydromet._core.basis_composition("Na2WO4:2H2O") == {"Na+": 2.0, "WO4-2": 1.0, "H2O": 2.0}
    assert hydromet._core.basis_composition("NaOH") == {"Na+": 1.0, "H2O": 1.0, "H+": -1.0}
    with pytest.raises(hydromet.InputError):
        hydromet._core.basis_composition("Xx2O")


def test_strong_base_with_davies_matches_hand_calculation():
    # 0.01 mol/kg NaOH: m(OH-) ~ 0.01, log gamma = -A (sqrt I/(1+sqrt I) - 0.3 I), A(25 degC) = 0.5092 to 0.5114.
    result = hydromet.speciate({"NaOH": "0.01 mol/kg"}, T=298.15)
    assert result.ionic_strength == pytest.approx(0.01, rel=1e-3)
    sqrt_i = math.sqrt(0.01)
    log_gamma = -0.51 * (sqrt_i / (1 + sqrt_i) - 0.3 * 0.01)
    assert math.log10(result.activity_coefficient("OH-")) == pytest.approx(log_gamma, abs=5e-4)
    assert result.molality("Na+") == pytest.approx(0.01, rel=1e-12)
    frame = result.to_dataframe()
    assert frame.loc["Na+", "molality [mol/kg]"] == pytest.approx(0.01, rel=1e-12)


def test_wrong_units_are_input_errors():
    with pytest.raises(hydromet.InputError, match="expected a molality"):
        hydromet.speciate({"Na2CO3": "0.1 kg"})
    with pytest.raises(hydromet.InputError, match="expected a temperature"):
        hydromet.speciate({"Na2CO3": 0.1}, T="3 h")


def test_cli_speciate(cli):
    done = subprocess.run([cli, "speciate", "Na2CO3=0.1", "Na2WO4=0.05 mol/kg", "-T", "60 degC", "--mineral",
                           "scheelite"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "pH =" in done.stdout and "WO4-2" in done.stdout and "scheelite" in done.stdout
    bad = subprocess.run([cli, "speciate", "Na2CO3"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2
    assert "NAME=AMOUNT" in bad.stderr
