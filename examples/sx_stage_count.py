"""Choose the number of counter-current solvent-extraction stages with McCabe-Thiele.

A counter-current `sx_cascade` extracts WO4-2 from an aqueous feed into a solute-free organic with a constant
distribution ratio D (a linear isotherm y = D x, e.g. an amine at fixed pH and free-extractant level; assumed).
The cascade is solved to steady state for N = 1 .. 8 stages, and the smallest N whose raffinate meets the target
is chosen; its McCabe-Thiele diagram (equilibrium line, operating line, stage staircase) is saved.

With ideal stages, constant D and flows, the fraction left unextracted follows Kremser (Treybal, Mass-Transfer
Operations, 3rd ed., 1980, eq. 10.58), phi = (E - 1)/(E^(N+1) - 1), E = D O/A; the test checks against it.

Usage:
    python3 examples/sx_stage_count.py OUTPUT_DIR [--D 2] [--oa 1] [--target 0.02] [--max-stages 8]

Writes OUTPUT_DIR/mccabe_thiele.png and OUTPUT_DIR/stage_count.csv.
"""

import argparse
import pathlib

import numpy as np
import pandas as pd

import hydromet

FEED_WO4 = 20.0            # mol/m3 WO4-2 in the aqueous feed (about 4.6 g/L W; assumed)
AQUEOUS_FLOW = 1.0e-3      # m3/s (3.6 m3/h; assumed)


def cascade_yaml(stages, distribution_ratio, organic_to_aqueous):
    """One counter-current extraction section of `stages` ideal mixer-settlers."""
    return f"""
units: {{volume: m3, flow: m3/s, concentration: mol/m3}}
species:
  - {{name: WO4(org), formula: WO4, phase: organic, source: "extracted W in the organic phase (example)"}}
equipment:
  feed: {{type: feed, flow: {AQUEOUS_FLOW!r}, solution: {{WO4-2: {FEED_WO4!r}}}}}
  solvent: {{type: organic_feed, flow: {organic_to_aqueous * AQUEOUS_FLOW!r}}}
  sx:
    type: sx_cascade
    mixer_volume: 1.0
    extraction: [{{metal: WO4-2, complex: WO4(org), law: {{type: constant, D: {distribution_ratio!r}}}}}]
    sections: {{extraction: {{stages: {stages}}}}}
  raffinate: {{type: product}}
  loaded: {{type: product}}
connections:
  - feed.out -> sx.feed
  - solvent.out -> sx.organic_in
  - sx.raffinate -> raffinate.in
  - sx.organic_out -> loaded.in
"""


def solve(stages, distribution_ratio, organic_to_aqueous):
    flowsheet = hydromet.Flowsheet.from_string(cascade_yaml(stages, distribution_ratio, organic_to_aqueous),
                                               origin=f"sx_{stages}_stages.yaml")
    return flowsheet.solve_steady(tolerance=1e-12)


def stage_table(distribution_ratio, organic_to_aqueous, max_stages):
    """Raffinate WO4-2 and the fraction unextracted for N = 1 .. max_stages; also the steady results."""
    rows, results = [], {}
    for n in range(1, max_stages + 1):
        result = solve(n, distribution_ratio, organic_to_aqueous)
        raffinate = float(result.output("sx.raffinate.c[WO4-2]"))
        rows.append({"stages": n, "raffinate WO4-2 [mol/m3]": raffinate, "unextracted [-]": raffinate / FEED_WO4})
        results[n] = result
    return pd.DataFrame(rows).set_index("stages"), results


def smallest_stage_count(table, target):
    """The fewest stages leaving at most `target` of the feed W in the raffinate (None if none do)."""
    meeting = table.index[table["unextracted [-]"] <= target]
    return int(meeting.min()) if len(meeting) else None


def mccabe_thiele_operating_line(result, stages):
    """Operating points (x_k, y_(k+1)), k = 0 .. N, of the extraction section as the cascade reports them."""
    name = "sx.E.mccabe_thiele[WO4(org)]."
    x = np.array([result.output(f"{name}operating_x[{k}]") for k in range(stages + 1)], dtype=float)
    y = np.array([result.output(f"{name}operating_y[{k}]") for k in range(stages + 1)], dtype=float)
    return x, y


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output_dir", type=pathlib.Path)
    parser.add_argument("--D", type=float, default=2.0, help="distribution ratio [-] (default 2)")
    parser.add_argument("--oa", type=float, default=1.0, help="organic/aqueous flow ratio (default 1)")
    parser.add_argument("--target", type=float, default=0.02, help="largest unextracted fraction (default 0.02)")
    parser.add_argument("--max-stages", type=int, default=8)
    parser.add_argument("--quick", action="store_true", help="accepted for symmetry; this example is fast")
    args = parser.parse_args(argv)

    table, results = stage_table(args.D, args.oa, args.max_stages)
    chosen = smallest_stage_count(table, args.target)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.output_dir / "stage_count.csv")
    print(table.to_string())
    if chosen is None:
        print(f"no cascade of up to {args.max_stages} stages leaves <= {args.target:g} of the W unextracted")
        return table, None
    print(f"E = D O/A = {args.D * args.oa:g}: {chosen} stages leave {table.loc[chosen, 'unextracted [-]']:.4g} "
          f"of the W in the raffinate (target {args.target:g})")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from hydromet import plotting

    figure, ax = plt.subplots(figsize=(5.5, 5))
    result = results[chosen]
    # The stages of an sx_cascade are named `sx.E1` .. `sx.EN`; plot_mccabe_thiele does not find nested stage
    # names by itself, so they are passed explicitly.
    plotting.plot_mccabe_thiele(result, "WO4-2", "WO4(org)", stages=[f"sx.E{k}" for k in range(1, chosen + 1)],
                                ax=ax)
    # The cascade also reports its section's operating line, feed and fresh-solvent ends included [mol/m3].
    operating_x, operating_y = mccabe_thiele_operating_line(result, chosen)
    ax.plot(1e-3 * operating_x, 1e-3 * operating_y, "r-", lw=0.8, label="section balance (feed to solvent)")
    # First step of the staircase: the feed (x_0, y_1) across to stage 1 (x_1, y_1).
    ax.plot(1e-3 * operating_x[:2], 1e-3 * np.array([operating_y[0], operating_y[0]]), "b-", lw=1)
    ax.legend(fontsize=8)
    ax.set_title(f"{chosen} stages, D = {args.D:g}, O/A = {args.oa:g}")
    figure.tight_layout()
    figure.savefig(args.output_dir / "mccabe_thiele.png", dpi=120)
    plt.close(figure)
    return table, chosen


if __name__ == "__main__":
    main()
