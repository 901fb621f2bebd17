"""Continuous (MSMPR) CaWO4 crystalliser: product size and yield against residence time.

A liquor of 2 mol/m3 CaCl2 + 2 mol/m3 Na2WO4 (synthetic scheelite precipitation) flows at 1 m3/h through a
well-mixed crystalliser; the vessel volume, and so the residence time tau = V/q, is swept. Each case runs
to steady state, 20 residence times of the largest vessel, and reports the volume-weighted mean size
L43, the yield and the unit's own growth rate G. Nucleation and growth constants are the assumed ones of
docs/models/crystallization.md (no published kinetics for CaWO4 were found): primary nucleation
1e8 (S-1)^2, size-independent growth 1e-8 (S-1) m/s.

For a steady MSMPR with size-independent growth the product distribution is n = n0 exp(-L/(G tau)), so
L43 = 4 G tau (Randolph and Larson, Theory of Particulate Processes, 2nd ed., 1988, ch. 3); G here is the
steady growth rate at the vessel's own supersaturation, which falls as tau rises.

Usage:
    python3 examples/crystalliser_residence_time.py OUTPUT_DIR [--quick]

Writes OUTPUT_DIR/crystalliser_residence_time.png and .csv.
"""

import argparse
import pathlib

import numpy as np

import hydromet

FEED_FLOW = 1.0  # m3/h

YAML = """
units: {volume: m3, flow: m3/h, concentration: mol/m3, length: um, temperature: degC}
equipment:
  liquor:
    type: feed
    flow: 1
    temperature: 25
    solution: {Ca+2: 2, WO4-2: 2, Na+: 4, Cl-: 4}
  cryst:
    type: crystallizer
    volume: 1
    temperature: 25
    product: scheelite
    components: [Ca+2, WO4-2, Na+, Cl-, H+]
    grid: {min: 0, max: 200, classes: 100}
    limiter: van_leer
    nucleation: {primary_rate_constant: 1.0e8, primary_order: 2}
    growth: {rate_constant: 1.0e-8 m/s, order: 1}
  out: {type: product}
connections:
  - liquor.out -> cryst.in
  - cryst.out -> out.in
simulation: {until: 16 h, outputs: 3}
"""

OUTPUTS = ["cryst.residence_time", "cryst.L43", "cryst.G", "cryst.B0", "cryst.yield", "cryst.mu0"]


def flowsheet(until_h):
    fs = hydromet.Flowsheet.from_string(YAML, origin="msmpr_cawo4.yaml")
    fs["simulation.until"] = f"{until_h!r} h"
    return fs


def residence_time_sweep(volumes_m3, threads=2):
    """One dynamic run per volume, each to 20 residence times of the largest (number balance steady to ~1e-6)."""
    until = 20.0 * max(volumes_m3) / FEED_FLOW
    fs = flowsheet(until)
    table = hydromet.sweep(fs, {"cryst.volume": [float(v) for v in volumes_m3]}, outputs=OUTPUTS,
                           mode="dynamic", threads=threads, progress=False)
    if "error" in table and table["error"].fillna("").astype(bool).any():
        raise RuntimeError(f"crystalliser cases failed:\n{table}")
    table["tau [h]"] = table["cryst.residence_time"] / 3600.0
    table["L43 [um]"] = 1e6 * table["cryst.L43"]
    table["4 G tau [um]"] = 1e6 * 4.0 * table["cryst.G"] * table["cryst.residence_time"]
    table["yield [%]"] = 100.0 * table["cryst.yield"]
    return fs, table


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output_dir", type=pathlib.Path)
    parser.add_argument("--quick", action="store_true", help="3 volumes instead of 8")
    args = parser.parse_args(argv)

    volumes = np.array([0.25, 0.5, 1.0]) if args.quick else np.geomspace(0.25, 4.0, 8)
    fs, table = residence_time_sweep(volumes)
    columns = ["tau [h]", "L43 [um]", "4 G tau [um]", "yield [%]"]
    print(table[columns].to_string(index=False, float_format=lambda v: f"{v:.4g}"))

    args.output_dir.mkdir(parents=True, exist_ok=True)
    table[columns].to_csv(args.output_dir / "crystalliser_residence_time.csv", index=False)

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, size_axis = plt.subplots(figsize=(6.5, 4.5))
    size_axis.plot(table["tau [h]"], table["L43 [um]"], "o-", label="L43 (population balance)")
    size_axis.plot(table["tau [h]"], table["4 G tau [um]"], "k--", label="4 G tau (MSMPR)")
    size_axis.set_xlabel("residence time [h]")
    size_axis.set_ylabel("product L43 [um]")
    yield_axis = size_axis.twinx()
    yield_axis.plot(table["tau [h]"], table["yield [%]"], "s:", color="tab:red", label="yield")
    yield_axis.set_ylabel("yield [%]", color="tab:red")
    size_axis.legend(loc="upper left", fontsize=8)
    size_axis.grid(True, alpha=0.3)
    size_axis.set_title("MSMPR CaWO4 crystalliser")
    figure.tight_layout()
    figure.savefig(args.output_dir / "crystalliser_residence_time.png", dpi=120)
    plt.close(figure)
    return fs, table


if __name__ == "__main__":
    main()
