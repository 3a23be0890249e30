"""BG/NBD (Fader, Hardie & Lee 2005) and Gamma-Gamma (Fader, Hardie & Lee 2005b), fitted with scipy.

The baseline every client-value model here must beat. Time is in weeks; per client
x = repeat purchases, t_x = time of the last purchase and T = time observed, both
from the first purchase (the `lifetimes` conventions). Fitted by maximum likelihood
(L-BFGS-B on log-parameters); on Fader & Hardie's CDNOW sample the published
estimates are r=0.243, alpha=4.414, a=0.793, b=2.426.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special


@dataclass(frozen=True)
class BGNBD:
    r: float
    alpha: float
    a: float
    b: float

    def _shared(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
        """delta(x>0) * a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x), in logs where it is safe."""
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        with np.errstate(divide="ignore", invalid="ignore"):
            log_term = (
                np.log(a)
                - np.log(np.maximum(b + x - 1, 1e-12))
                + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
            )
        return np.where(x > 0, np.exp(np.minimum(log_term, 700)), 0.0)

    def p_alive(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + self._shared(x, t_x, T))

    def expected_purchases(
        self, t: float, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
    ) -> np.ndarray:
        """E[purchases in (T, T+t] | x, t_x, T]."""
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
        first = (a + b + x - 1) / (a - 1)
        second = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp
        return first * second / (1 + self._shared(x, t_x, T))

    def p_no_purchase(self, t: float, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
        """P(no purchase in (T, T+t]): dead, or alive and silent (gamma-posterior rate)."""
        alive = self.p_alive(x, t_x, T)
        silent = ((self.alpha + T) / (self.alpha + T + t)) ** (self.r + x)
        return (1 - alive) + alive * silent


def bgnbd_log_likelihood(
    params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> float:
    r, alpha, a, b = params
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = (
        special.gammaln(a + b)
        + special.gammaln(b + x)
        - special.gammaln(b)
        - special.gammaln(a + b + x)
    )
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(
            x > 0,
            np.log(a) - np.log(np.maximum(b + x - 1, 1e-12)) - (r + x) * np.log(alpha + t_x),
            -np.inf,
        )
    return float(np.sum(a1 + a2 + np.logaddexp(a3, a4)))


def fit_bgnbd(x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> BGNBD:
    """Maximum-likelihood BG/NBD parameters."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    scale = 10.0 / max(float(T.max()), 1e-9)  # well-conditioned alpha, as lifetimes does

    def loss(log_params: np.ndarray) -> float:
        params = np.exp(log_params)
        return -bgnbd_log_likelihood(params, x, t_x * scale, T * scale) / len(x)

    best = optimize.minimize(loss, np.zeros(4), method="L-BFGS-B", bounds=[(-10, 10)] * 4)
    r, alpha, a, b = np.exp(best.x)
    return BGNBD(r=float(r), alpha=float(alpha / scale), a=float(a), b=float(b))


@dataclass(frozen=True)
class GammaGamma:
    p: float
    q: float
    v: float

    def expected_value(self, x: np.ndarray, mean_value: np.ndarray) -> np.ndarray:
        """E[value of one purchase | x repeat purchases averaging mean_value]."""
        p, q, v = self.p, self.q, self.v
        population = p * v / (q - 1)
        weight = (q - 1) / (p * x + q - 1)
        return np.where(x > 0, weight * population + (1 - weight) * mean_value, population)


def fit_gamma_gamma(x: np.ndarray, mean_value: np.ndarray) -> GammaGamma:
    """Fitted on clients with repeat purchases and a positive mean value."""
    keep = (x > 0) & (mean_value > 0)
    x, m = np.asarray(x[keep], dtype=float), np.asarray(mean_value[keep], dtype=float)

    def loss(log_params: np.ndarray) -> float:
        p, q, v = np.exp(log_params)
        ll = (
            special.gammaln(p * x + q)
            - special.gammaln(p * x)
            - special.gammaln(q)
            + q * np.log(v)
            + (p * x - 1) * np.log(m)
            + p * x * np.log(x)
            - (p * x + q) * np.log(x * m + v)
        )
        return -float(np.mean(ll))

    best = optimize.minimize(
        loss, np.log([1.0, 2.0, float(np.mean(m))]), method="L-BFGS-B", bounds=[(-10, 12)] * 3
    )
    p, q, v = np.exp(best.x)
    return GammaGamma(p=float(p), q=float(max(q, 1.0001)), v=float(v))
