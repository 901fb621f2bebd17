"""SciPy baseline: the one-mineral leach train of bench_leaching.cpp `scheelite_train_*` with the segregated
core-size population balance of docs/models/leaching.md (linear reconstruction of psi per core-size class,
positivity bounds on the slopes, two-point Gauss-Legendre reaction integral, upwind edge flux), written with
numpy arrays over tanks x classes as a researcher would. States per tank: n(CO3-2), n(WO4-2), mineral per class.
Dynamic: solve_ivp(method="BDF", jac_sparsity=...) from tanks full of feed solution, solids fed from t = 0.
Steady: scipy.optimize.root(method="hybr") from the first-order marched guess (as hydromet's and the
hand-written program's; from tanks full of feed slurry Newton-type methods do not converge).
Usage: scipy_leach.py --mode steady|dynamic [--tanks N] [--classes K] [--rtol R] [--repeat K]"""

import numpy as np
import scipy.optimize
import scipy.sparse
from scipy.integrate import solve_ivp

import baseline_common as common

VOLUME = 1.0  # [m3]
FLOW = 1.0 / 3600.0  # [m3/s]
FEED_CARBONATE = 1000.0  # [mol/m3]
MOLAR_MASS = (40.078 + 183.84 + 4 * 15.999) * 1e-3  # CaWO4 [kg/mol], hydromet's atomic weights
MOLAR_DENSITY = 6120.0 / MOLAR_MASS  # [mol/m3]
FEED_MINERAL = 60.0 / 3600.0 / MOLAR_MASS  # [mol/s] into the top class
RATE_CONSTANT = 6.3e-8  # k_s [m/s], first order in CO3-2, a = 1
STENCIL = 4  # a class acts on class rows within +-4


class Train:
    def __init__(self, tanks, classes):
        self.tanks, self.classes = tanks, classes
        diameters = 75e-6 * (1.0 - np.arange(classes + 1) / classes)
        radius = 0.5 * diameters[0]
        self.top = np.minimum(0.5 * diameters[:-1], radius)
        self.bottom = np.minimum(0.5 * diameters[1:], radius)
        self.bottom[-1] = 0.0
        self.centre = 0.5 * (self.top + self.bottom)
        self.width = self.top - self.bottom
        power = lambda n: self.top**n - self.bottom**n
        self.mass_integral = np.pi * MOLAR_DENSITY / 3.0 * power(4)
        self.mass_moment = 4.0 / 3.0 * np.pi * MOLAR_DENSITY * power(5) / 5.0 - self.centre * self.mass_integral
        self.bottom_moles = 4.0 / 3.0 * np.pi * MOLAR_DENSITY * self.bottom**3
        node = 0.5 / np.sqrt(3.0)
        self.nodes = [self.centre + node * self.width, self.centre - node * self.width]
        x0, x1, x2 = self.centre[:3]
        self.parabola = np.array([(2 * x0 - x1 - x2) / ((x0 - x1) * (x0 - x2)), (x0 - x2) / ((x1 - x0) * (x1 - x2)),
                                  (x0 - x1) / ((x2 - x0) * (x2 - x1))])
        self.size = tanks * (classes + 2)

    def slopes(self, mean):
        c, w = self.centre, self.width
        s = np.empty_like(mean)
        s[:, 1:-1] = (mean[:, :-2] - mean[:, 2:]) / (c[:-2] - c[2:])
        s[:, 0] = mean[:, :3] @ self.parabola
        s[:, -1] = (mean[:, -2] - mean[:, -1]) / (c[-2] - c[-1])
        # hydromet's smooth guards: bounds on the smooth positive part of the mean (width 1e-10 x the class's
        # state scale V/K), limiter s b / sqrt(b^2 + s^2) (docs/models/leaching.md).
        smoothing = 1e-10 * (VOLUME / self.classes) / self.mass_integral
        positive = 0.5 * (mean + np.sqrt(mean * mean + smoothing * smoothing))
        node_bound = 2.0 * np.sqrt(3.0) * positive / w
        edge = np.where(np.arange(self.classes) < self.classes - 1, 2.0 / w, 2.0 * np.sqrt(3.0) / w)
        upper = positive * np.minimum(edge, self.mass_integral / self.mass_moment)
        bound = np.where(s > 0.0, upper, node_bound)
        return s * bound / np.sqrt(bound * bound + s * s)

    def reactions(self, carbonate, moles):
        """Class terms Phi_{k-1} - Phi_k - R_k and the moles reacted R_k, per tank (rows) and class."""
        mean = moles / self.mass_integral
        slope = self.slopes(mean)
        mean = (moles - slope * self.mass_moment) / self.mass_integral
        slope = self.slopes(mean)
        speed = (np.maximum(carbonate / VOLUME, 0.0) * RATE_CONSTANT / MOLAR_DENSITY)[:, None]
        consumed = np.zeros_like(mean)
        for r in self.nodes:
            consumed += 0.5 * self.width * (mean + slope * (r - self.centre)) * speed * 4.0 * np.pi * MOLAR_DENSITY * r * r
        passed = speed * (mean - 0.5 * slope * self.width) * self.bottom_moles
        g = -passed - consumed
        g[:, 1:] += passed[:, :-1]
        return g, consumed

    def rhs(self, t, y):
        state = y.reshape(self.tanks, self.classes + 2)
        rate = FLOW / VOLUME
        inflow = np.empty_like(state)
        inflow[0] = 0.0
        inflow[0, 0] = FLOW * FEED_CARBONATE
        inflow[0, 2] = FEED_MINERAL
        inflow[1:] = state[:-1] * rate
        g, consumed = self.reactions(state[:, 0], state[:, 2:])
        total = consumed.sum(axis=1)
        f = inflow - state * rate
        f[:, 0] -= total
        f[:, 1] += total
        f[:, 2:] += g
        return f.ravel()

    def sparsity(self):
        n = self.classes + 2
        rows, cols = [], []
        for i in range(self.tanks):
            base = i * n
            for l in range(n):
                if l == 0:
                    targets = range(n)
                elif l == 1:
                    targets = [1]
                else:
                    j = l - 2
                    targets = [0, 1] + [2 + k for k in range(max(j - STENCIL, 0), min(j + STENCIL, self.classes - 1) + 1)]
                for r in targets:
                    rows.append(base + r)
                    cols.append(base + l)
                if i + 1 < self.tanks:
                    rows.append(base + n + l)
                    cols.append(base + l)
        return scipy.sparse.csc_matrix((np.ones(len(rows)), (rows, cols)), shape=(self.size, self.size))

    def initial(self):
        """Tanks full of feed solution; the solids enter with the feed from t = 0."""
        y = np.zeros((self.tanks, self.classes + 2))
        y[:, 0] = FEED_CARBONATE * VOLUME
        return y.ravel()

    def guess(self):
        """First-order upwind balance of each class at the tank's inlet composition, marched down the classes."""
        y = np.zeros((self.tanks, self.classes + 2))
        residence = VOLUME / FLOW
        area_moles = 4.0 * np.pi * MOLAR_DENSITY
        for i in range(self.tanks):
            carbonate_in = y[i - 1, 0] / VOLUME if i > 0 else FEED_CARBONATE
            y[i, 1] = y[i - 1, 1] if i > 0 else 0.0
            speed = carbonate_in * RATE_CONSTANT / MOLAR_DENSITY
            passed = reacted = 0.0
            for k in range(self.classes):
                fed = y[i - 1, 2 + k] / residence if i > 0 else (FEED_MINERAL if k == 0 else 0.0)
                consumed = sum(0.5 * self.width[k] * speed * area_moles * r[k] ** 2 for r in self.nodes)
                carried = speed * self.bottom_moles[k] if k + 1 < self.classes else 0.0
                density = (fed + passed) / (self.mass_integral[k] / residence + consumed + carried)
                y[i, 2 + k] = density * self.mass_integral[k]
                passed = density * carried
                reacted += density * consumed * residence
            y[i, 0] = max(carbonate_in * VOLUME - reacted, 0.0)
            y[i, 1] += reacted
        return y.ravel()

    def scale(self):
        """hydromet's state scales: holdup scale max(initial, 1 mol/m3 V), over K for the classes."""
        s = np.full((self.tanks, self.classes + 2), VOLUME / self.classes)
        s[:, 0] = FEED_CARBONATE * VOLUME
        s[:, 1] = VOLUME
        return s.ravel()

    def outputs(self, y, suffix=""):
        state = y.reshape(self.tanks, self.classes + 2)
        out = {f"leach{i + 1}_WO4{suffix}": state[i, 1] / VOLUME for i in range(self.tanks)}
        out[f"leach{self.tanks}_CO3{suffix}"] = state[-1, 0] / VOLUME
        out[f"leach{self.tanks}_scheelite_kg{suffix}"] = state[-1, 2:].sum() * MOLAR_MASS
        return out


def main():
    p = common.parser(__doc__)
    p.add_argument("--tanks", type=int, default=4)
    p.add_argument("--classes", type=int, default=50)
    args = p.parse_args()
    if args.tanks < 1 or args.classes < 3:
        raise SystemExit("need --tanks >= 1 and --classes >= 3")
    train = Train(args.tanks, args.classes)

    def dynamic():
        solution = solve_ivp(train.rhs, (0.0, common.HOURS[-1]), train.initial(), method="BDF", t_eval=common.HOURS,
                             rtol=args.rtol, atol=args.atol_factor * args.rtol * train.scale(),
                             jac_sparsity=train.sparsity())
        common.check_ivp(solution)
        out = train.outputs(solution.y[:, 1], "_1h")
        out.update(train.outputs(solution.y[:, 24], "_24h"))
        return out, common.ivp_counters(solution, train.size)

    def steady():
        solution = scipy.optimize.root(lambda y: train.rhs(0.0, y), train.guess(), method="hybr", tol=args.tolerance)
        common.check_root(solution)
        return train.outputs(solution.x), {"rhs_evals": solution.nfev, "states": train.size}

    common.run("scipy", f"leach_train_{args.mode}", dynamic if args.mode == "dynamic" else steady, args.repeat)


if __name__ == "__main__":
    main()
