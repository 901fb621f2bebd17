"""Plot a steady plant from the JSON that `hydromet run FILE --steady --out DIR` writes.

Usage: python3 examples/plot_steady_plant.py OUTPUT_DIR

Reads OUTPUT_DIR/steady.json and writes OUTPUT_DIR/plant.png: where each element of interest goes (its
share of the plant outflow by product), the cumulative conversion along a leach train, and the W profile
of a solvent-extraction circuit stage by stage, for whichever of these units the flowsheet has.
"""

import json
import pathlib
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def _deportment(data, element="W"):
    """The recovery KPIs of the element (its share of the feed reaching each product)."""
    kpis = data["kpis"]
    shares = {
        name: entry["value"]
        for name, entry in kpis.items()
        if name.startswith(f"{element} ") and "grade" not in name
    }
    return shares


def _leach_train(outputs):
    """Stage conversions of each mineral, in unit order, as (unit, mineral, value)."""
    pattern = re.compile(r"^(\w+)\.conversion\[([^\],]+)\]$")
    rows = []
    for name, value in outputs.items():
        match = pattern.match(name)
        if match:
            rows.append((match.group(1), match.group(2), value))
    return rows


def _sx_profile(outputs, metal="WO4-2", complex_="(R3NH)2WO4"):
    """Aqueous and organic concentrations of every mixer-settler stage, in file order."""
    stages = []
    for name in outputs:
        if name.endswith(f".D[{complex_}]"):
            stages.append(name.split(".")[0])
    return [(s, outputs[f"{s}.c[{metal}]"], outputs[f"{s}.c_org[{complex_}]"]) for s in stages]


def main(output_dir):
    folder = pathlib.Path(output_dir)
    data = json.loads((folder / "steady.json").read_text())
    outputs = {name: entry["value"] for name, entry in data["outputs"].items()}
    figure, axes = plt.subplots(1, 3, figsize=(16, 4.8))

    shares = _deportment(data)
    axes[0].barh(list(shares), [100.0 * v for v in shares.values()], color="tab:blue")
    axes[0].set_xscale("log")
    axes[0].set_xlabel("share of W fed [%] (log scale)")
    axes[0].set_title("Where the tungsten goes")

    train = _leach_train(outputs)
    minerals = sorted({m for _, m, _ in train})
    for mineral in minerals:
        units = [u for u, m, _ in train if m == mineral]
        unreacted, cumulative = 1.0, []
        for _, m, x in train:
            if m == mineral:
                unreacted *= 1.0 - x
                cumulative.append(100.0 * (1.0 - unreacted))
        axes[1].plot(units, cumulative, marker="o", label=mineral)
    axes[1].set_ylabel("cumulative conversion [%]")
    axes[1].set_title("Leach train")
    if minerals:
        axes[1].legend()

    profile = _sx_profile(outputs)
    if profile:
        names = [s for s, _, _ in profile]
        axes[2].semilogy(names, [max(a, 1e-9) for _, a, _ in profile], marker="o", label="aqueous WO4-2")
        axes[2].semilogy(names, [max(o, 1e-9) for _, _, o in profile], marker="s", label="organic (R3NH)2WO4")
        axes[2].set_ylabel("concentration [mol/m3]")
        axes[2].legend()
    axes[2].set_title("SX stage profile")
    figure.suptitle(data.get("name", "steady state"))
    figure.tight_layout()
    temporary = folder / ".plant.png.tmp"
    figure.savefig(temporary, dpi=110, format="png")
    temporary.replace(folder / "plant.png")
    print(f"wrote {folder / 'plant.png'}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
