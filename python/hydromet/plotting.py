"""Plots of results with matplotlib."""

import numpy as np


def _time_axis(times):
    end = float(times[-1]) if len(times) else 0.0
    if end >= 2 * 86400:
        return np.asarray(times) / 86400.0, "time [d]"
    if end >= 2 * 3600:
        return np.asarray(times) / 3600.0, "time [h]"
    if end >= 120:
        return np.asarray(times) / 60.0, "time [min]"
    return np.asarray(times), "time [s]"


def plot_leach_curves(result, ax=None):
    """Conversion of every mineral and extraction of every element against time, in percent."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    x, label = _time_axis(result.times)
    for name in result.output_names:
        if ".conversion[" in name or ".extraction[" in name:
            ax.plot(x, 100.0 * result.output(name), label=name)
    ax.set_xlabel(label)
    ax.set_ylabel("conversion / extraction [%]")
    ax.set_ylim(0, 100)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def plot_concentrations(result, ax=None):
    """Every solution concentration against time, in mol/L."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    x, label = _time_axis(result.times)
    for name, unit in zip(result.output_names, result.output_units):
        if unit == "mol/m3":
            ax.plot(x, 1e-3 * result.output(name), label=name)
    ax.set_xlabel(label)
    ax.set_ylabel("concentration [mol/L]")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    return ax
