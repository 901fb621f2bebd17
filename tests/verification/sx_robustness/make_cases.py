#!/usr/bin/env python3
"""Writes the reproduction cases of findings 1 and 2 (README.md) into the directory given (default: the
current one), from the lead's flowsheets/w_wolframite_to_apt.yaml: run them with `hydromet run <case> --steady`."""
import pathlib
import sys

here = pathlib.Path(__file__).resolve().parent
plant = (here.parents[2] / "flowsheets" / "w_wolframite_to_apt.yaml").read_text()


def replaced(text, pairs):
    for old, new in pairs:
        if old not in text:
            raise SystemExit(f"not found in the plant file: {old!r}")
        text = text.replace(old, new, 1)
    return text


strip = "products: {NH3: 2},\n         law: {type: constant, D: 0.01}}"
finding1 = replaced(plant, [(strip, "products: {NH3: 2},\n         law: {type: mass_action, K: 3.2e-8}}"),
                            (strip, "products: {NH3: 2},\n         law: {type: mass_action, K: 3.2e-10}}")])
finding2 = replaced(plant, [("law: {type: mass_action, K: 1.0e9}", "law: {type: mass_action, K: 4.9e10}")])
feed_step = [("ferberite: 780 ", "ferberite: 858 "), ("huebnerite: 195 ", "huebnerite: 214.5 "),
             ("quartz: 17.7 ", "quartz: 19.47 "), ("fluorapatite: 5 ", "fluorapatite: 5.5 "),
             ("scorodite: 2.3 ", "scorodite: 2.53 ")]
cases = {
    "finding1_strip_mass_action.yaml": finding1,
    "finding2_protonation_4.9e10.yaml": finding2,
    "finding2_protonation_4.9e10_feed_plus10.yaml": replaced(finding2, feed_step),
}
out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
out.mkdir(parents=True, exist_ok=True)
for name, text in cases.items():
    (out / name).write_text(text)
    print("wrote", out / name)
