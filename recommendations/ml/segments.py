"""Client segments: KMeans on standardised RFM and taste features, k chosen by silhouette.

Input is plain purchase lines ``(client_id, day, category, amount, unit_price)``; output is
one segment per buyer, each named and described from its centroid in the words an advisor
uses ("Loyal collectors of leather goods"), by rules over the centroid's distance from the
whole population in standard deviations, never at random.

Features per buyer (a purchase is a client-day):

- recency: days since her last purchase (log1p);
- frequency: purchases (log1p);
- monetary: mean spend per purchase (log1p);
- price band: median unit price of the pieces she chose (log1p);
- taste: her share of spend in each category (rows sum to 1).

Every column is standardised (mean 0, variance 1) before KMeans, so a centroid's
coordinate *is* its z-score against the population. k runs over ``K_RANGE`` and the
best mean silhouette wins (on a fixed sample above ``SILHOUETTE_SAMPLE`` rows: the score
is quadratic in rows); above ``FIT_SAMPLE`` buyers, k and the centroids are learnt on a
seeded sample and every buyer is then placed at her nearest centroid. Everything is
seeded: the same purchases give the same segments.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler

K_RANGE = range(3, 9)
SILHOUETTE_SAMPLE = 3000
FIT_SAMPLE = 20_000  # more buyers: k and centroids learnt on a seeded sample of this many
MIN_BUYERS = 30  # fewer: no segments (a cluster of three clients says nothing)
RANDOM_STATE = 0
HIGH = 0.5  # a centroid this many standard deviations above the population stands out
LOW = -0.5
RECENCY, FREQUENCY, MONETARY, PRICE = range(4)

Line = tuple[int, dt.date, str, float, float]  # client, day, category, amount, unit price


@dataclass(frozen=True)
class BuyerFeatures:
    ids: np.ndarray  # client ids, one per row
    categories: list[str]
    recency_days: np.ndarray
    frequency: np.ndarray
    monetary: np.ndarray  # mean spend per purchase
    price: np.ndarray  # median unit price
    shares: np.ndarray  # (rows, categories): share of spend

    def __len__(self) -> int:
        return len(self.ids)

    def matrix(self) -> np.ndarray:
        rfm = np.column_stack(
            [
                np.log1p(self.recency_days),
                np.log1p(self.frequency),
                np.log1p(self.monetary),
                np.log1p(self.price),
            ]
        )
        return np.hstack([rfm, self.shares]) if self.categories else rfm


def buyer_features(
    lines: Iterable[Line], today: dt.date, categories: Sequence[str]
) -> BuyerFeatures:
    """One row per client with at least one purchase, in ascending client id."""
    index = {c: i for i, c in enumerate(categories)}
    days: dict[int, set[dt.date]] = defaultdict(set)
    spend: dict[int, np.ndarray] = {}
    prices: dict[int, list[float]] = defaultdict(list)
    total: dict[int, float] = defaultdict(float)
    for client, day, category, amount, unit_price in lines:
        days[client].add(day)
        total[client] += amount
        prices[client].append(unit_price)
        if category in index:
            spend.setdefault(client, np.zeros(len(categories)))[index[category]] += max(amount, 0)
    ids = sorted(days)
    shares = np.zeros((len(ids), len(categories)))
    for row, client in enumerate(ids):
        vector = spend.get(client)
        if vector is not None and vector.sum() > 0:
            shares[row] = vector / vector.sum()
    return BuyerFeatures(
        ids=np.array(ids, dtype=np.int64),
        categories=list(categories),
        recency_days=np.array([(today - max(days[c])).days for c in ids], dtype=float).clip(0),
        frequency=np.array([len(days[c]) for c in ids], dtype=float),
        monetary=np.array([max(total[c], 0) / len(days[c]) for c in ids], dtype=float),
        price=np.array([max(float(np.median(prices[c])), 0) for c in ids], dtype=float),
        shares=shares,
    )


@dataclass(frozen=True)
class SegmentProfile:
    name: str
    description: str
    size: int
    centre: np.ndarray  # standardised: the z-score of each feature


@dataclass(frozen=True)
class Segmentation:
    k: int
    silhouettes: dict[int, float]  # k -> mean silhouette
    labels: np.ndarray  # segment index per row of the features (0 = the largest)
    segments: list[SegmentProfile] = field(default_factory=list)

    @property
    def silhouette(self) -> float:
        return self.silhouettes[self.k]


def choose_k(
    x: np.ndarray, ks: Iterable[int] = K_RANGE, *, sample: int = SILHOUETTE_SAMPLE
) -> tuple[int, dict[int, float], KMeans]:
    """The k of best mean silhouette (ties: the smaller k), its scores and fitted model."""
    scores: dict[int, float] = {}
    best: tuple[float, int, KMeans] | None = None
    for k in ks:
        if not 2 <= k < len(x):
            continue
        model = KMeans(n_clusters=k, n_init=10, random_state=RANDOM_STATE).fit(x)
        if len(set(model.labels_.tolist())) < 2:
            continue
        score = float(
            silhouette_score(
                x, model.labels_, sample_size=min(sample, len(x)), random_state=RANDOM_STATE
            )
        )
        scores[k] = score
        if best is None or score > best[0] + 1e-9:
            best = (score, k, model)
    if best is None:
        raise ValueError("too few distinct buyers to form segments")
    return best[1], scores, best[2]


def segment_buyers(
    features: BuyerFeatures, category_words: Mapping[str, str], *, ks: Iterable[int] = K_RANGE
) -> Segmentation:
    """Cluster the buyers and name each segment; raises ValueError below MIN_BUYERS.

    Clusters whose centroids read the same in words ("Loyal collectors of leather goods"
    twice, a group KMeans split finer than an advisor would) are one segment: a segment is
    what its name says. Segments are ordered largest first.
    """
    if len(features) < MIN_BUYERS:
        raise ValueError(f"{len(features)} buyers: at least {MIN_BUYERS} are needed")
    x = StandardScaler().fit_transform(features.matrix())
    x = np.nan_to_num(x)  # a constant column scales to 0/0
    if len(x) > FIT_SAMPLE:  # k and centroids from a seeded sample, then every buyer placed
        rows = np.random.default_rng(RANDOM_STATE).choice(len(x), FIT_SAMPLE, replace=False)
        k, scores, model = choose_k(x[np.sort(rows)], ks)
        labels = model.predict(x)
    else:
        k, scores, model = choose_k(x, ks)
        labels = model.labels_
    clusters: dict[str, list[int]] = defaultdict(list)
    for cluster, centre in enumerate(model.cluster_centers_):
        members = labels == cluster
        if not members.any():  # a centroid of the sample no buyer is nearest to
            continue
        shares = features.shares[members].mean(axis=0)
        clusters[segment_name(centre, shares, features.categories, category_words)].append(cluster)
    groups = [(name, np.isin(labels, found)) for name, found in clusters.items()]
    groups.sort(key=lambda group: (-int(group[1].sum()), group[0]))
    segment_of = np.empty(len(features), dtype=np.int64)
    profiles = []
    for index, (name, members) in enumerate(groups):
        segment_of[members] = index
        profiles.append(
            SegmentProfile(
                name=name,
                description=segment_description(features, members, category_words),
                size=int(members.sum()),
                centre=x[members].mean(axis=0),
            )
        )
    return Segmentation(k=k, silhouettes=scores, labels=segment_of, segments=profiles)


def taste_words(
    shares: np.ndarray, categories: Sequence[str], category_words: Mapping[str, str]
) -> str:
    """'of leather goods', 'of shoes and jewellery' or 'across the collections'."""
    if not len(categories) or shares.sum() <= 0:
        return "across the collections"
    top = np.argsort(-shares, kind="stable")
    first = category_words.get(categories[top[0]], categories[top[0]])
    if shares[top[0]] >= 0.5:
        return f"of {first}"
    if len(top) > 1 and shares[top[0]] + shares[top[1]] >= 0.7:
        second = category_words.get(categories[top[1]], categories[top[1]])
        return f"of {first} and {second}"
    return "across the collections"


def segment_name(
    centre: np.ndarray,
    shares: np.ndarray,
    categories: Sequence[str],
    category_words: Mapping[str, str],
) -> str:
    """Name from the centroid: how recent, how often, how much, and what she buys.

    Rules (z = the centroid's standard deviations from the population):
    recency z ≥ 0.5 → "Lapsing", else frequency z ≥ 0.5 → "Loyal", else recency z ≤ -0.5
    → "Recent"; frequency z ≤ -0.5 → "occasional" (≥ 0.5 with "Lapsing" → "regular");
    spend per purchase z ≥ 0.5 → "high-spending", ≤ -0.5 → "light-spending" (when fewer
    than two words so far); the noun is "collectors" for frequent buyers, else "buyers";
    no word at all → "Steady"; then the taste, from the segment's mean shares of spend.
    """
    recency, frequency, monetary = centre[RECENCY], centre[FREQUENCY], centre[MONETARY]
    words: list[str] = []
    if recency >= HIGH:
        words.append("lapsing")
    elif frequency >= HIGH:
        words.append("loyal")
    elif recency <= LOW:
        words.append("recent")
    if frequency <= LOW:
        words.append("occasional")
    elif frequency >= HIGH and "loyal" not in words:
        words.append("regular")
    if len(words) < 2 and monetary >= HIGH:
        words.append("high-spending")
    elif len(words) < 2 and monetary <= LOW:
        words.append("light-spending")
    if not words:
        words.append("steady")
    noun = "collectors" if frequency >= HIGH else "buyers"
    name = " ".join([*words, noun, taste_words(shares, categories, category_words)])
    return name[0].upper() + name[1:]


def _ago(days: float) -> str:
    if days < 14:
        return "in the last two weeks"
    if days < 60:
        return f"about {round(days / 7)} weeks ago"
    if days < 730:
        return f"about {round(days / 30.4)} months ago"
    return f"about {round(days / 365)} years ago"


def segment_description(
    features: BuyerFeatures, members: np.ndarray, category_words: Mapping[str, str]
) -> str:
    """One sentence: how many, how often, how lately, how much, and their favourite category."""
    size = int(members.sum())
    frequency = float(np.median(features.frequency[members]))
    times = (
        "once" if frequency < 1.5 else ("twice" if frequency < 2.5 else f"{frequency:.0f} times")
    )
    sentence = (
        f"{size} client{'s' if size != 1 else ''} who typically bought {times}, "
        f"last {_ago(float(np.median(features.recency_days[members])))}, "
        f"spending around €{float(np.median(features.monetary[members])):,.0f} a visit"
    )
    if features.categories:
        shares = features.shares[members].mean(axis=0)
        top = int(np.argmax(shares))
        word = category_words.get(features.categories[top], features.categories[top])
        if shares[top] >= 0.2:
            sentence += f"; {round(shares[top] * 100)}% of their spend goes to {word}"
        else:
            sentence += "; no one category takes a fifth of their spend"
    return sentence + "."
