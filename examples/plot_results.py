"""Run a flowsheet from Python and save its leach curves and concentrations as PNG files.

Usage: python3 examples/plot_results.py FLOWSHEET.yaml OUTPUT_DIR
"""

import pathlib
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import hydromet  # noqa: E402
from hydromet import plotting  # noqa: E402


def main(flowsheet_path, output_dir):
    output = pathlib.Path(output_dir)
    output.mkdir(parents=True, exist_ok=True)
    flowsheet = hydromet.Flowsheet.from_yaml(flowsheet_path)
    result = flowsheet.simulate()

    figure, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    plotting.plot_leach_curves(result, ax=axes[0])
    plotting.plot_concentrations(result, ax=axes[1])
    figure.suptitle(flowsheet.name)
    figure.tight_layout()
    figure_path = output / "leach_curves.png"
    temporary = output / ".leach_curves.png.tmp"
    figure.savefig(temporary, dpi=120, format="png")
    temporary.replace(figure_path)

    frame = result.to_dataframe()
    table_path = output / "outputs.csv"
    temporary = output / ".outputs.csv.tmp"
    frame.to_csv(temporary)
    temporary.replace(table_path)
    print(f"wrote {figure_path} and {table_path}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
