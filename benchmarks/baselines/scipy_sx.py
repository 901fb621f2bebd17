"""SciPy baseline: the open counter-current SX cascade with constant D of bench_sx.cpp `sx_compare_*`, as a
researcher would write it. Each equilibrium stage is written for its total metal x = n_M + n_C (the
extraction reaction's invariant), so the DAE becomes an ODE:
    dx_s/dt = q_aq c_M,s-1 + q_org c_C,s+1 - x_s q/V,   c_M = x/(V_aq + D V_org),   c_C = D c_M.
Dynamic: solve_ivp(method="BDF", jac_sparsity=tridiagonal) from stages full of barren aqueous and organic.
Steady: scipy.optimize.root(method="hybr") (dense finite-difference Jacobian, Powell hybrid) from zero.
Usage: scipy_sx.py --stages N --mode steady|dynamic [--rtol R] [--repeat K]"""

import numpy as np
import scipy.optimize
import scipy.sparse
from scipy.integrate import solve_ivp

import baseline_common as common

VOLUME, Q_AQ, Q_ORG, FEED, D = 1.0, 1.0e-3, 1.0e-3, 20.0, 2.0
Q = Q_AQ + Q_ORG
ALPHA = VOLUME * (Q_AQ + D * Q_ORG) / Q  # V_aq + D V_org [m3]


def rhs(t, x):
    c = x / ALPHA
    aqueous_in = np.concatenate(([FEED], c[:-1]))
    organic_in = np.concatenate((D * c[1:], [0.0]))
    return Q_AQ * aqueous_in + Q_ORG * organic_in - (Q / VOLUME) * x


def outputs(x, suffix=""):
    c = x / ALPHA
    return {"loaded_org" + suffix: D * c[0], "E1_aq" + suffix: c[0], "E2_aq" + suffix: c[1],
            "raffinate" + suffix: c[-1]}


def main():
    p = common.parser(__doc__)
    p.add_argument("--stages", type=int, default=5)
    args = p.parse_args()
    n = args.stages
    if n < 2:
        raise SystemExit("--stages must be at least 2")
    scale = np.full(n, VOLUME)  # hydromet's holdup scale, 1 mol/m3 times V

    def dynamic():
        sparsity = scipy.sparse.diags([np.ones(n - 1), np.ones(n), np.ones(n - 1)], [-1, 0, 1], format="csc")
        solution = solve_ivp(rhs, (0.0, common.HOURS[-1]), np.zeros(n), method="BDF", t_eval=common.HOURS,
                             rtol=args.rtol, atol=args.atol_factor * args.rtol * scale, jac_sparsity=sparsity)
        common.check_ivp(solution)
        out = outputs(solution.y[:, 1], "_1h")
        out.update(outputs(solution.y[:, 24], "_24h"))
        return out, common.ivp_counters(solution, n)

    def steady():
        solution = scipy.optimize.root(lambda x: rhs(0.0, x), np.zeros(n), method="hybr", tol=args.tolerance)
        common.check_root(solution)
        return outputs(solution.x), {"rhs_evals": solution.nfev, "states": n}

    common.run("scipy", f"sx_{args.mode}/{n}", dynamic if args.mode == "dynamic" else steady, args.repeat)


if __name__ == "__main__":
    main()
