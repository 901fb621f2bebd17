"""Plots of results with matplotlib.

Every function draws on ``ax`` (a new figure when None) and returns the axes (``plot_sankey`` returns the
diagrams). Output names are read from the result, so units that add outputs are plotted without changes here:
leach curves use ``*.conversion[...]`` and ``*.extraction[...]``; conversion by size uses
``unit.conversion[mineral,k]`` (batch) or ``unit.core_fraction[mineral,k]`` (continuous); SX profiles use the
``c[...]``, ``c_org[...]``, ``c_eq[...]`` and ``D[...]`` outputs of mixer-settlers; size distributions use the
``n[i]`` outputs of crystallisers; Sankey diagrams use the steady stream table.
"""

import re

import numpy as np

from . import _core

# `unit.quantity[name]` or `unit.quantity[name,k]`; the unit may itself be dotted (`sx.E1`, a cascade stage).
_INDEXED = re.compile(r"^(?P<unit>[^\[\]]+?)\.(?P<quantity>\w+)\[(?P<name>[^\],]+)(?:,(?P<k>\d+))?\]$")


def _axes(ax, size=(7, 4.5)):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=size)[1]


def _time_axis(times):
    """Times in the most readable unit: (values, label, seconds per unit)."""
    end = float(times[-1]) if len(times) else 0.0
    for scale, label in ((86400.0, "d"), (3600.0, "h"), (60.0, "min")):
        if end >= 2 * scale:
            return np.asarray(times) / scale, f"time [{label}]", scale
    return np.asarray(times, dtype=float), "time [s]", 1.0


def _flowsheet_core(result, flowsheet):
    chosen = flowsheet if flowsheet is not None else getattr(result, "_flowsheet", None)
    if chosen is None:
        raise ValueError("this plot needs the flowsheet; pass flowsheet=")
    return chosen._core


def _at(result, name, time_index):
    """An output's value at a time index (dynamic results) or its steady value."""
    if hasattr(result, "times"):
        return float(result.output(name)[time_index])
    return float(result.output(name))


def plot_time_series(result, outputs=None, unit=None, ax=None):
    """Outputs against time (all outputs of ``unit``, or the named ``outputs``), in their own units."""
    ax = _axes(ax)
    x, label, _ = _time_axis(result.times)
    if outputs is None:
        outputs = [n for n in result.output_names if unit is None or n.startswith(f"{unit}.")]
    units = set()
    for name in outputs:
        units.add(result.output_units[result.output_names.index(name)])
        ax.plot(x, result.output(name), label=name)
    ax.set_xlabel(label)
    ax.set_ylabel(", ".join(sorted(units)))
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def plot_leach_curves(result, ax=None):
    """Conversion of every mineral and extraction of every element against time, in percent."""
    ax = _axes(ax)
    x, label, _ = _time_axis(result.times)
    for name in result.output_names:
        match = _INDEXED.match(name)
        if match and match["quantity"] in ("conversion", "extraction") and match["k"] is None:
            ax.plot(x, 100.0 * result.output(name), label=name)
    ax.set_xlabel(label)
    ax.set_ylabel("conversion / extraction [%]")
    ax.set_ylim(0, 100)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def plot_concentrations(result, ax=None):
    """Every solution concentration against time, in mol/L."""
    ax = _axes(ax)
    x, label, _ = _time_axis(result.times)
    for name, unit in zip(result.output_names, result.output_units):
        if unit == "mol/m3":
            ax.plot(x, 1e-3 * result.output(name), label=name)
    ax.set_xlabel(label)
    ax.set_ylabel("concentration [mol/L]")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def plot_conversion_by_size(result, unit, flowsheet=None, time_index=-1, ax=None):
    """Per-size-class outputs of a leach tank against particle diameter [um].

    Batch tanks: conversion of each size class, ``conversion[mineral,k]`` [%], at ``time_index``. Continuous
    tanks: the distribution of unreacted solids over the size classes, ``core_fraction[mineral,k]`` [%].
    """
    ax = _axes(ax)
    sizes = _core.size_classes(_flowsheet_core(result, flowsheet), unit)
    per_mineral = {}
    for name in result.output_names:
        match = _INDEXED.match(name)
        if match and match["unit"] == unit and match["k"] is not None and \
                match["quantity"] in ("conversion", "core_fraction"):
            per_mineral.setdefault((match["quantity"], match["name"]), []).append((int(match["k"]), name))
    if not per_mineral:
        raise KeyError(f"unit {unit!r} reports no per-size-class conversion (one size class only?)")
    for (quantity, mineral), entries in per_mineral.items():
        entries.sort()
        diameters = np.asarray(sizes.get(mineral, sizes.get("diameters", [])), dtype=float)
        values = np.array([_at(result, name, time_index) for _, name in entries])
        ax.plot(1e6 * diameters[:len(values)], 100.0 * values, "o-", label=f"{quantity}[{mineral}]")
    ax.set_xlabel("particle diameter [um]")
    ax.set_ylabel("conversion [%]" if all(q == "conversion" for q, _ in per_mineral)
                  else "fraction of unreacted solids [%]")
    ax.set_xscale("log")
    ax.grid(True, alpha=0.3, which="both")
    ax.legend(fontsize=8)
    return ax


def _stages(result):
    """Mixer-settler units in flowsheet order: the units that report a distribution ratio D[...]."""
    stages = []
    for name in result.output_names:
        match = _INDEXED.match(name)
        if match and match["quantity"] == "D" and match["unit"] not in stages:
            stages.append(match["unit"])
    return stages


def sx_profile(result, stages=None, time_index=-1):
    """Stage profiles of an SX cascade as a DataFrame: one row per stage, columns ``c[...] [mol/m3]`` (aqueous),
    ``c_org[...] [mol/m3]`` and ``D[...] [-]``, from the stage outputs."""
    import pandas as pd

    stages = list(stages) if stages is not None else _stages(result)
    rows = []
    for stage in stages:
        row = {}
        for name, unit in zip(result.output_names, result.output_units):
            match = _INDEXED.match(name)
            if match and match["unit"] == stage and match["quantity"] in ("c", "c_org", "c_eq", "D"):
                row[f"{match['quantity']}[{match['name']}] [{unit}]"] = _at(result, name, time_index)
        rows.append(row)
    return pd.DataFrame(rows, index=pd.Index(stages, name="stage"))


def plot_sx_profile(result, stages=None, species=None, time_index=-1, ax=None):
    """Aqueous and organic concentrations [mol/L] against stage number (stages in flowsheet order unless
    given). ``species``: names to show (default: every organic complex and every aqueous species that varies
    from stage to stage)."""
    ax = _axes(ax)
    profile = sx_profile(result, stages, time_index)
    numbers = np.arange(1, len(profile) + 1)
    for column in profile.columns:
        match = re.match(r"^(c|c_org)\[(.+)\] \[mol/m3\]$", column)
        if not match:
            continue
        values = profile[column].to_numpy()
        if species is not None and match[2] not in species:
            continue
        if species is None and match[1] == "c" and np.ptp(values) <= 1e-9 * max(np.max(np.abs(values)), 1e-300):
            continue
        style = "o-" if match[1] == "c" else "s--"
        ax.plot(numbers, 1e-3 * values, style, label=f"{match[2]} ({'aq' if match[1] == 'c' else 'org'})")
    ax.set_xticks(numbers, list(profile.index))
    ax.set_xlabel("stage")
    ax.set_ylabel("concentration [mol/L]")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def plot_mccabe_thiele(result, metal, complex, stages=None, time_index=-1, ax=None):
    """McCabe–Thiele diagram of a counter-current cascade from its stage outputs [mol/L].

    Equilibrium points (c[metal]_k, c_eq[complex]_k) and the stage points (c[metal]_k, c_org[complex]_k) of
    every stage; the staircase joins stage k's point to the operating point (c[metal]_k, c_org[complex]_k+1),
    the organic entering stage k (aqueous flows 1 -> N, organic N -> 1).
    """
    ax = _axes(ax, (5.5, 5))
    stages = list(stages) if stages is not None else _stages(result)
    x = np.array([_at(result, f"{s}.c[{metal}]", time_index) for s in stages]) * 1e-3
    y = np.array([_at(result, f"{s}.c_org[{complex}]", time_index) for s in stages]) * 1e-3
    y_eq = np.array([_at(result, f"{s}.c_eq[{complex}]", time_index) for s in stages]) * 1e-3
    order = np.argsort(x)
    ax.plot(x[order], y_eq[order], "k-", marker="o", label="equilibrium (c_eq)")
    ax.plot(x, y, "bs", label="stages (c_org)")
    # The ends of the operating line, from the streams: aqueous into the first stage, organic into the last.
    x_feed = _inlet_concentration(result, stages[0], "aqueous_in", metal, organic=False)
    y_solvent = _inlet_concentration(result, stages[-1], "organic_in", complex, organic=True)
    operating_x = ([x_feed] if x_feed is not None else []) + list(x)
    operating_y = list(y) + ([y_solvent] if y_solvent is not None else [])
    if x_feed is None:
        operating_y = operating_y[1:]
    if y_solvent is None:
        operating_x = operating_x[:len(operating_y)]
    steps_x, steps_y = [], []
    for k in range(len(stages)):
        if k > 0 or x_feed is not None:
            steps_x.append(x_feed if k == 0 else x[k - 1])
            steps_y.append(y[k])
        steps_x.append(x[k])
        steps_y.append(y[k])
    if y_solvent is not None:
        steps_x.append(x[-1])
        steps_y.append(y_solvent)
    ax.plot(steps_x, steps_y, "b-", lw=1, label="stages")
    ax.plot(operating_x, operating_y, "r--", marker="x", label="operating line")
    ax.set_xlabel(f"{metal} in the aqueous [mol/L]")
    ax.set_ylabel(f"{complex} in the organic [mol/L]")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def _inlet_concentration(result, stage, port, species, organic):
    """Concentration [mol/L] of a species in the stream entering ``stage.port``, or None without one."""
    names = list(result.components.organic if organic else result.components.aqueous)
    if species not in names:
        return None
    for record in result.streams:
        if record.destination == f"{stage}.{port}":
            stream = record.stream
            flow = stream.organic_flow if organic else stream.aqueous_flow
            moles = np.asarray(stream.organic_moles if organic else stream.aqueous_moles)
            return float(moles[names.index(species)] / flow * 1e-3) if flow > 0 else 0.0
    return None


def size_distribution(result, unit, flowsheet=None, time_index=-1):
    """A crystalliser's number density as a DataFrame: cell ``lower [m]``, ``upper [m]``, ``centre [m]``,
    ``n [1/m4]`` (the unit's ``n[i]`` outputs) and ``number [1/m3]`` (n times the cell width)."""
    import pandas as pd

    edges = np.asarray(_core.size_classes(_flowsheet_core(result, flowsheet), unit)["edges"], dtype=float)
    density = np.array([_at(result, f"{unit}.n[{i}]", time_index) for i in range(len(edges) - 1)])
    return pd.DataFrame({"lower [m]": edges[:-1], "upper [m]": edges[1:], "centre [m]": 0.5 * (edges[:-1] + edges[1:]),
                         "n [1/m4]": density, "number [1/m3]": density * np.diff(edges)})


def plot_size_distribution(result, unit, flowsheet=None, time_indices=(-1,), ax=None):
    """Number density n(L) [1/m4] of a crystalliser against crystal size [um], at one or more output times."""
    ax = _axes(ax)
    for time_index in time_indices:
        frame = size_distribution(result, unit, flowsheet, time_index)
        label = unit
        if hasattr(result, "times"):
            x, time_label, _ = _time_axis(result.times)
            label = f"{unit}, {time_label.split('[')[0].strip()} {x[time_index]:.3g} {time_label.split('[')[1][:-1]}"
        ax.step(1e6 * frame["centre [m]"].to_numpy(), frame["n [1/m4]"].to_numpy(), where="mid", label=label)
    ax.set_xlabel("crystal size [um]")
    ax.set_ylabel("number density n [1/m4]")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def element_flows(result, element, flowsheet=None):
    """Flow of one element in every stream [mol/s], as a pandas Series indexed by stream name."""
    import pandas as pd

    core = _flowsheet_core(result, flowsheet)
    records = result.streams
    if element not in result.components.elements:
        raise KeyError(f"element {element!r} is in no species of this flowsheet; elements: "
                       f"{list(result.components.elements)}")
    values = [_core.element_flows(core, record.stream)[element] for record in records]
    return pd.Series(values, index=pd.Index([r.name for r in records], name="stream"), name=f"{element} [mol/s]")


def plot_sankey(result, element, flowsheet=None, ax=None, threshold=1e-9):
    """Sankey diagram of one element's flows [mol/s] through the plant (matplotlib.sankey), from the stream table.

    One diagram per unit that is neither a feed nor a product, joined along a spanning tree of the flowsheet;
    feeds and products appear as labelled inflows and outflows, and streams off the tree (merges, recycles)
    as loose arrows at both ends. Streams carrying less than ``threshold`` times the largest flow are left out.
    Returns the list of diagrams (each with ``flows``: inflows positive, outflows negative) and ``units``, the
    unit of each diagram, as an attribute of the axes (``ax.sankey_units``).
    """
    from matplotlib.sankey import Sankey

    ax = _axes(ax, (10, 6))
    flows = element_flows(result, element, flowsheet)
    records = result.streams
    largest = float(np.max(np.abs(flows.to_numpy()))) if len(flows) else 0.0
    if largest <= 0.0:
        raise ValueError(f"no stream carries {element}")
    kept = [r for r, f in zip(records, flows.to_numpy()) if abs(f) > threshold * largest]
    value = {r.name: float(flows[r.name]) for r in kept}
    unit_of = lambda end: end.split(".")[0]  # noqa: E731
    sources = {unit_of(r.source) for r in records} - {unit_of(r.destination) for r in records}
    sinks = {unit_of(r.destination) for r in records} - {unit_of(r.source) for r in records}
    inner = []
    for r in kept:
        for end in (unit_of(r.source), unit_of(r.destination)):
            if end not in sources and end not in sinks and end not in inner:
                inner.append(end)
    # Spanning tree, breadth first from the units fed by feeds.
    order, parent = [], {}
    for start in inner:
        if start in order:
            continue
        order.append(start)
        queue = [start]
        while queue:
            u = queue.pop(0)
            for r in kept:
                for a, b in ((unit_of(r.source), unit_of(r.destination)), (unit_of(r.destination), unit_of(r.source))):
                    if a == u and b in inner and b not in order:
                        order.append(b)
                        parent[b] = (u, r.name)
                        queue.append(b)
    sankey = Sankey(ax=ax, scale=1.0 / largest, unit=" mol/s", format="%.3g", gap=0.4, head_angle=120)
    index_of, flow_names = {}, {}
    for u in order:
        ins = [r for r in kept if unit_of(r.destination) == u]
        outs = [r for r in kept if unit_of(r.source) == u]
        names = [r.name for r in ins] + [r.name for r in outs]
        signed = [value[r.name] for r in ins] + [-value[r.name] for r in outs]
        orientations, labels = [], []
        for group in (ins, outs):
            for position, r in enumerate(group):
                orientations.append(0 if position == 0 else (1 if position % 2 else -1))
                other = unit_of(r.source) if r in ins else unit_of(r.destination)
                labels.append(other)
        prior, connect = None, None
        if u in parent:
            parent_unit, stream = parent[u]
            prior = index_of[parent_unit]
            connect = (flow_names[parent_unit].index(stream), names.index(stream))
            labels[names.index(stream)] = None  # drawn once, at the parent
        sankey.add(flows=signed, orientations=orientations, labels=labels, label=u, prior=prior, connect=connect,
                   trunklength=1.2)
        index_of[u] = len(index_of)
        flow_names[u] = names
    diagrams = sankey.finish()
    ax.set_title(f"{element} flows [mol/s]")
    ax.axis("off")
    ax.sankey_units = list(order)
    ax.sankey_diagrams = diagrams
    return diagrams
