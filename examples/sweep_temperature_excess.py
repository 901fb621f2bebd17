"""Map W recovery of a batch soda autoclave leach over temperature and sodium carbonate excess.

Flowsheet: flowsheets/w_scheelite_soda_batch.yaml (100 g CaWO4, -200 mesh, in 0.5 L of Na2CO3 solution,
CaWO4 + CO3-2 -> CaCO3 + WO4-2, shrinking core under surface-reaction control, first order in carbonate,
Ea = 72 kJ/mol). For each (temperature, excess) pair the carbonate is set to `excess` times the
stoichiometric amount and Na+ to twice that (Na2CO3), the charge is leached for a fixed time and the W
extraction at the end is read. The grid runs as one `hydromet.sweep` (C++ threads, GIL released).

Usage:
    python3 examples/sweep_temperature_excess.py OUTPUT_DIR [--quick] [--hours H]

Writes OUTPUT_DIR/w_recovery_map.png (filled contours) and OUTPUT_DIR/w_recovery_map.csv.
"""

import argparse
import os
import pathlib

import numpy as np

import hydromet

SOURCE_DIR = pathlib.Path(os.environ.get("HYDROMET_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[1]))
FLOWSHEET = SOURCE_DIR / "flowsheets" / "w_scheelite_soda_batch.yaml"

CAWO4_MOLAR_MASS = 287.93  # g/mol (Ca 40.078 + W 183.84 + 4 O 15.999)
RECOVERY = "autoclave.extraction[W]"  # fraction of the charged W in solution at the end of the run


def stoichiometric_carbonate(flowsheet):
    """mol/L of CO3-2 that exactly converts the charged scheelite (1 mol CO3-2 per mol CaWO4)."""
    mass_g = float(flowsheet["autoclave.solids.scheelite.mass"])       # g, as the file's units say
    volume_l = float(flowsheet["autoclave.volume"])                     # L
    return mass_g / CAWO4_MOLAR_MASS / volume_l


def case_for(temperature_c, excess, carbonate_stoich):
    """The YAML edits of one grid point: temperature, and Na2CO3 at `excess` x stoichiometric."""
    carbonate = excess * carbonate_stoich
    return {"autoclave.temperature": f"{temperature_c!r} degC",
            "autoclave.solution.CO3-2": f"{carbonate!r} mol/L",
            "autoclave.solution.Na+": f"{2.0 * carbonate!r} mol/L"}


def load(hours):
    flowsheet = hydromet.Flowsheet.from_yaml(FLOWSHEET)
    # A shorter leach than the file's 3 h so the map is not 100 % everywhere.
    flowsheet["simulation.until"] = f"{hours!r} h"
    flowsheet["simulation.outputs"] = 3
    return flowsheet


def recovery_map(temperatures_c, excesses, hours=0.5, threads=2):
    """Sweep the grid; returns (flowsheet, table) with one row per case and a `recovery` column [-]."""
    flowsheet = load(hours)
    stoich = stoichiometric_carbonate(flowsheet)
    cases = [case_for(t, x, stoich) for t in temperatures_c for x in excesses]
    table = hydromet.sweep(flowsheet, cases, outputs=[RECOVERY], mode="dynamic", threads=threads, progress=False)
    failed = table["error"].fillna("").astype(bool) if "error" in table else None
    if failed is not None and failed.any():
        raise RuntimeError(f"sweep cases failed:\n{table[failed]}")
    table["temperature [degC]"] = np.repeat(temperatures_c, len(excesses))
    table["excess [-]"] = np.tile(excesses, len(temperatures_c))
    table["recovery"] = table[RECOVERY]
    return flowsheet, table


def single_run(flowsheet, temperature_c, excess):
    """The same point solved on its own (used to check the map)."""
    one = flowsheet.copy()
    for path, value in case_for(temperature_c, excess, stoichiometric_carbonate(flowsheet)).items():
        one[path] = value
    return float(one.simulate().output(RECOVERY)[-1])


def plot(table, temperatures_c, excesses, hours, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    grid = 100.0 * table["recovery"].to_numpy().reshape(len(temperatures_c), len(excesses))
    figure, ax = plt.subplots(figsize=(6.5, 5))
    filled = ax.contourf(excesses, temperatures_c, grid, levels=np.linspace(0, 100, 21), cmap="viridis")
    lines = ax.contour(excesses, temperatures_c, grid, levels=[50, 80, 90, 95, 99], colors="w", linewidths=0.8)
    ax.clabel(lines, fmt="%g %%", fontsize=8)
    figure.colorbar(filled, ax=ax, label="W extraction [%]")
    ax.set_xlabel("Na2CO3 / stoichiometric [-]")
    ax.set_ylabel("autoclave temperature [degC]")
    ax.set_title(f"Scheelite soda leach, W extraction after {hours:g} h")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output_dir", type=pathlib.Path)
    parser.add_argument("--quick", action="store_true", help="4 x 4 grid instead of 13 x 11")
    parser.add_argument("--hours", type=float, default=0.5, help="leach time [h] (default 0.5)")
    args = parser.parse_args(argv)

    n_t, n_x = (4, 4) if args.quick else (13, 11)
    temperatures = np.linspace(150.0, 230.0, n_t)
    excesses = np.linspace(1.1, 3.0, n_x)
    flowsheet, table = recovery_map(temperatures, excesses, args.hours)

    args.output_dir.mkdir(parents=True, exist_ok=True)
    table[["temperature [degC]", "excess [-]", "recovery"]].to_csv(args.output_dir / "w_recovery_map.csv", index=False)
    plot(table, temperatures, excesses, args.hours, args.output_dir / "w_recovery_map.png")
    best = table.loc[table["recovery"].idxmax()]
    print(f"{len(table)} cases; highest W extraction {100 * best['recovery']:.2f} % at "
          f"{best['temperature [degC]']:.0f} degC, {best['excess [-]']:.2f} x stoichiometric")
    return flowsheet, temperatures, excesses, table


if __name__ == "__main__":
    main()
