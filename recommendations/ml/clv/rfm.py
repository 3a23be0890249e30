"""Per-client summaries at a cut-off date: the BG/NBD triple and the features models read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from recommendations.ml.clv.transactions import ClientDays

WEEK = 7.0


@dataclass(frozen=True)
class Summary:
    """Clients first seen on or before the cut-off, one row each (sorted ids)."""

    ids: np.ndarray
    x: np.ndarray  # repeat purchases (client-days after the first)
    t_x: np.ndarray  # weeks from first to last purchase
    T: np.ndarray  # weeks from first purchase to the cut-off
    mean_spend: np.ndarray  # per client-day, repeat days only (Gamma-Gamma's m)
    first_spend: np.ndarray
    total_spend: np.ndarray
    mean_units: np.ndarray
    recent_13w: np.ndarray  # client-days in the last 13 weeks
    recent_4w: np.ndarray
    gap_cv: np.ndarray  # coefficient of variation of the gaps between purchases
    max_gap: np.ndarray  # longest gap, weeks
    mean_gap: np.ndarray  # weeks between purchases on average (0 without a repeat)
    last_gap: np.ndarray  # weeks between the last two purchases (0 without a repeat)
    late_repeats: np.ndarray  # repeat purchases in the second half of her time observed
    last_spend: np.ndarray  # spend of the last client-day
    last_units: np.ndarray
    recent_26w: np.ndarray


def summarise(days: ClientDays, cutoff: dt.date) -> Summary:
    """Vectorised per-client summaries of the client-days on or before `cutoff`."""
    seen = days.before(cutoff)
    end = cutoff.toordinal()
    ids, start, counts = np.unique(seen.client, return_index=True, return_counts=True)
    last = start + counts - 1
    d = seen.day.astype(float)
    first_day, last_day = d[start], d[last]
    x = counts - 1.0
    spend_total = np.add.reduceat(seen.spend, start) if len(seen) else np.zeros(0)
    units_total = np.add.reduceat(seen.units, start) if len(seen) else np.zeros(0)
    first_spend = seen.spend[start]
    owner = np.repeat(np.arange(len(ids)), counts)
    gaps = np.diff(d, prepend=np.nan)
    gaps[start] = np.nan  # no gap before a client's first day
    valid = ~np.isnan(gaps)
    gap_sum = np.bincount(owner[valid], weights=gaps[valid], minlength=len(ids))
    gap_sq = np.bincount(owner[valid], weights=gaps[valid] ** 2, minlength=len(ids))
    max_gap = np.zeros(len(ids))
    np.maximum.at(max_gap, owner[valid], gaps[valid])
    n_gaps = np.maximum(x, 1)
    gap_mean = gap_sum / n_gaps
    gap_std = np.sqrt(np.maximum(gap_sq / n_gaps - gap_mean**2, 0))
    middle = (first_day + end) / 2  # halfway between her first purchase and the cut-off
    late = (d > middle[owner]) & valid
    return Summary(
        ids=ids,
        x=x,
        t_x=(last_day - first_day) / WEEK,
        T=(end - first_day) / WEEK,
        mean_spend=np.where(x > 0, (spend_total - first_spend) / n_gaps, 0.0),
        first_spend=first_spend,
        total_spend=spend_total,
        mean_units=units_total / counts,
        recent_13w=np.bincount(owner, weights=(d > end - 91), minlength=len(ids)),
        recent_4w=np.bincount(owner, weights=(d > end - 28), minlength=len(ids)),
        gap_cv=np.where(x > 1, gap_std / np.maximum(gap_mean, 1e-9), 0.0),
        max_gap=max_gap / WEEK,
        mean_gap=gap_mean / WEEK,
        last_gap=np.where(x > 0, np.nan_to_num(gaps[last]), 0.0) / WEEK,
        late_repeats=np.bincount(owner, weights=late, minlength=len(ids)),
        last_spend=seen.spend[last],
        last_units=seen.units[last],
        recent_26w=np.bincount(owner, weights=(d > end - 182), minlength=len(ids)),
    )


def holdout_outcome(
    days: ClientDays, ids: np.ndarray, start: dt.date, end: dt.date
) -> tuple[np.ndarray, np.ndarray]:
    """(client-days, spend) of each id (sorted) in (start, end]."""
    window = days.between(start, end)
    position = np.searchsorted(ids, window.client)
    position = np.minimum(position, len(ids) - 1)
    known = ids[position] == window.client
    count = np.bincount(position[known], minlength=len(ids)).astype(float)
    spend = np.bincount(position[known], weights=window.spend[known], minlength=len(ids))
    return count, spend
