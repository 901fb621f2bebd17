"""Shared plumbing of the SciPy baselines: options, timing and the one-line JSON report that
scripts/bench_table.py reads (the same format as the hand-written SUNDIALS baselines)."""

import argparse
import json
import resource
import time

import numpy as np


def parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--mode", choices=["steady", "dynamic"], default="dynamic")
    p.add_argument("--rtol", type=float, default=1e-6, help="solve_ivp rtol (dynamic)")
    p.add_argument("--atol-factor", type=float, default=1e-3, help="atol_i = factor * rtol * scale_i")
    p.add_argument("--tolerance", type=float, default=1e-10,
                   help="steady: root's xtol (hybr stops when the relative change of x is below it)")
    p.add_argument("--repeat", type=int, default=1)
    return p


HOURS = np.arange(25) * 3600.0  # outputs every hour for 24 h, compared at 1 h and 24 h


def run(program, case, solve, repeat):
    """Calls solve() `repeat` times; reports the least CPU time and the outputs of the last call."""
    best_cpu = best_wall = float("inf")
    outputs = counters = None
    for _ in range(max(repeat, 1)):
        cpu0, wall0 = time.process_time(), time.perf_counter()
        outputs, counters = solve()
        best_cpu = min(best_cpu, time.process_time() - cpu0)
        best_wall = min(best_wall, time.perf_counter() - wall0)
    print(json.dumps({
        "program": program, "case": case, "cpu_s": best_cpu, "wall_s": best_wall,
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "outputs": {k: float(v) for k, v in outputs.items()},
        "counters": {k: float(v) for k, v in counters.items()},
    }))


def ivp_counters(solution, states):
    return {"rhs_evals": solution.nfev, "jac_evals": solution.njev, "lu_decompositions": solution.nlu,
            "states": states}


def check_ivp(solution):
    if not solution.success:
        raise RuntimeError(f"solve_ivp failed: {solution.message}")


def check_root(solution):
    if not solution.success:
        raise RuntimeError(f"root failed: {solution.message}")
