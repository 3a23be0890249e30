"""Synthetic data for benchmarks/draft_pipeline.py: a large house seeded with COPY in seconds.

Self-contained on purpose (the demo seed builds a small, hand-written house; this builds a
big, statistically shaped one). Shape:

- products fall into taste clusters; popularity within the catalogue follows a Zipf law
  (exponent ~1.05), so a few hundred pieces carry most of the events, as in luxury retail;
- clients have a cluster of their own and a log-normal activity level (a few very
  active clients, a long tail of occasional ones); 70% of a client's events come from
  her cluster, the rest from the whole catalogue, both Zipf-weighted;
- events are spread over two years with a mild recency bias; the requested total is
  split into order lines (12%), wishlist rows (3%) and interactions (85%: views, bag,
  saves, shares, loves, "not for me");
- consent tiers: 20% Essential, 45% Personal, 35% Bespoke (3% never recorded: Essential);
  85% of clients are in one of the stylists' books; 0.2% are erased.

Everything is written with psycopg COPY; values that the models default are filled from
the model fields, so a column another team adds does not break the seed.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Model
from django.utils import timezone
from psycopg.types.json import Jsonb

CATEGORIES = {
    # category: (share, median price, subcategories, materials, sized-by)
    "ready_to_wear": (
        0.40,
        2100,
        ["coat", "trench", "dress", "blazer", "knitwear", "shirt", "trousers", "skirt"],
        ["cashmere", "silk twill", "wool gabardine", "linen", "lambskin", "cotton poplin"],
        "rtw",
    ),
    "leather_goods": (
        0.25,
        3400,
        ["tote", "shoulder bag", "clutch", "wallet", "belt", "small leather goods"],
        ["box calf", "grained calfskin", "crocodile", "suede", "canvas"],
        "belt",
    ),
    "shoes": (
        0.15,
        1000,
        ["pump", "loafer", "boot", "sneaker", "sandal"],
        ["calfskin", "suede", "patent leather", "satin"],
        "shoes",
    ),
    "jewellery": (
        0.12,
        3000,
        ["ring", "necklace", "earrings", "bracelet", "watch"],
        ["yellow gold", "white gold", "rose gold", "diamond", "pearl"],
        "ring",
    ),
    "fragrance": (
        0.08,
        220,
        ["eau de parfum", "candle", "body lotion"],
        ["iris", "vetiver", "leather", "rose", "amber"],
        "one",
    ),
}
COLOURS = [
    "black",
    "camel",
    "ivory",
    "navy",
    "burgundy",
    "forest green",
    "gold",
    "silver",
    "rose",
    "grey",
    "cognac",
    "white",
]
OCCASION_TAGS = [
    "everyday",
    "business",
    "evening",
    "gala",
    "wedding",
    "travel",
    "resort",
    "holiday",
    "birthday-gift",
]
SIZES = {
    "rtw": ["34", "36", "38", "40", "42", "44"],
    "shoes": ["36", "37", "38", "39", "40", "41"],
    "ring": ["50", "52", "54", "56"],
    "belt": ["75", "80", "85", "90"],
}
CITIES = ["Paris", "Milan", "London", "New York", "Tokyo", "Dubai", "Hong Kong", "Geneva"]
FIRST = [
    "Camille",
    "Inès",
    "Chiara",
    "Sofia",
    "Amélie",
    "Hana",
    "Léa",
    "Julia",
    "Louis",
    "Marco",
    "Yuki",
    "Noor",
    "Élise",
    "Clara",
    "Victoria",
    "Mei",
]
LAST = [
    "Laurent",
    "Moreau",
    "Rossi",
    "Bernardi",
    "Tanaka",
    "Haddad",
    "Dubois",
    "Conti",
    "Schmidt",
    "Nakamura",
    "Lefèvre",
    "Marino",
    "Fontaine",
    "Costa",
]
INTERACTION_MIX = {
    "view": 0.70,
    "cart": 0.10,
    "save": 0.07,
    "share": 0.05,
    "love": 0.04,
    "not_for_me": 0.04,
}
CLUSTERS = 60


def _defaults(model: type[Model], provided: Sequence[str]) -> tuple[list[str], list[Any]]:
    """Columns not provided by the seed, with their model defaults prepared for the db."""
    names, values = [], []
    for f in model._meta.concrete_fields:
        if f.column in provided or f.primary_key:
            continue
        value = f.get_default()  # "" for text fields without a default, None for others
        names.append(f.column)
        values.append(f.get_db_prep_save(value, connection) if value is not None else None)
    return names, values


def copy_rows(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    extra_names, extra_values = _defaults(model, columns)
    all_columns = ", ".join([*columns, *extra_names])
    n = 0
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {model._meta.db_table} ({all_columns}) FROM STDIN") as copy,
    ):
        tail = tuple(extra_values)
        for row in rows:
            copy.write_row((*row, *tail))
            n += 1
    return n


def reset_sequence(model: type[Model]) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - a model table
            f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
        )


def _zipf(n: int, exponent: float, rng: np.random.Generator) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** exponent
    weights = weights[rng.permutation(n)]
    return weights / weights.sum()


def _timestamps(n: int, now: dt.datetime, rng: np.random.Generator) -> np.ndarray:
    """Seconds before now: two years, with more recent activity (and ~3% in 14 days)."""
    days = 730 * rng.beta(1.0, 1.25, size=n)
    return (now.timestamp() - days * 86400 - rng.uniform(0, 3600, size=n)).astype(np.int64)


def _aware(seconds: np.ndarray) -> list[dt.datetime]:
    return [dt.datetime.fromtimestamp(int(s), tz=dt.UTC) for s in seconds]


def seed(
    *,
    clients: int,
    products: int,
    interactions: int,
    stylists: int,
    seed_value: int = 7,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    from catalog.models import Boutique, Product, StockLevel, Variant
    from clients.models import Client, Interaction, Occasion, Order, OrderLine, WishlistItem
    from consent.models import ConsentRecord, PolicyVersion
    from stylists.models import BookAssignment, Role, StylingRequest, Stylist

    rng = np.random.default_rng(seed_value)
    now = timezone.now()
    started = time.perf_counter()
    counts: dict[str, int] = {}

    boutiques = [
        Boutique.objects.create(code=f"b{i}", name=f"Maison {city}", city=city, country="FR")
        for i, city in enumerate(CITIES)
    ]
    policy = PolicyVersion.objects.create(version="bench-1", summary="Benchmark policy")
    user_model = get_user_model()
    advisors = []
    for i in range(stylists):
        user = user_model.objects.create(username=f"bench-advisor-{i}", first_name=f"Advisor{i}")
        advisors.append(
            Stylist.objects.create(
                user=user, boutique=boutiques[i % len(boutiques)], role=Role.STYLIST
            )
        )

    # --- catalogue ---------------------------------------------------------------------
    names = list(CATEGORIES)
    shares = np.array([CATEGORIES[c][0] for c in names])
    p_cat = rng.choice(len(names), size=products, p=shares / shares.sum())
    p_cluster = rng.integers(0, CLUSTERS, size=products)
    p_price = np.array([CATEGORIES[names[c]][1] for c in p_cat]) * rng.lognormal(0, 0.45, products)
    p_price = np.round(np.maximum(p_price, 45), -1)
    active = rng.random(products) > 0.03
    product_rows = []
    variant_rows = []
    stock_rows = []
    variant_id = 0
    sized_system: list[str] = []
    for pid in range(1, products + 1):
        c = names[p_cat[pid - 1]]
        _, _, subs, materials, sized_by = CATEGORIES[c]
        sub = subs[rng.integers(len(subs))]
        system = "ring" if sub == "ring" else "belt" if sub == "belt" else sized_by
        if c == "leather_goods" and sub != "belt":
            system = "one"
        if c == "jewellery" and sub != "ring":
            system = "one"
        sized_system.append(system)
        colours = list(rng.choice(COLOURS, size=int(rng.integers(1, 3)), replace=False))
        mats = list(rng.choice(materials, size=int(rng.integers(1, 3)), replace=False))
        tags = list(rng.choice(OCCASION_TAGS, size=int(rng.integers(1, 4)), replace=False))
        name = f"{FIRST[pid % len(FIRST)]} {sub} {pid}"
        description = (
            f"A {sub} in {colours[0]} {mats[0]}, line {p_cluster[pid - 1]}, made for "
            f"{' and '.join(tags)}; cut in the house atelier."
        )
        product_rows.append(
            (
                pid,
                uuid.uuid4(),
                f"BENCH-{pid:06d}",
                name,
                description,
                c,
                sub,
                Jsonb(colours),
                Jsonb(mats),
                Jsonb(tags),
                float(p_price[pid - 1]),
                "EUR",
                "AW26",
                bool(active[pid - 1]),
                now,
                now,
            )
        )
        sizes = SIZES.get(system, [""])
        carried = rng.random(len(boutiques)) < 0.35
        for size in sizes:
            variant_id += 1
            variant_rows.append((variant_id, pid, f"B{pid:06d}-{size or 'TU'}", size, colours[0]))
            if rng.random() < 0.8:
                stock_rows.append((variant_id, None, int(rng.integers(1, 6)), now))
            for b, boutique in enumerate(boutiques):
                if carried[b] and rng.random() < 0.7:
                    stock_rows.append((variant_id, boutique.pk, int(rng.integers(1, 4)), now))
    counts["products"] = copy_rows(
        Product,
        [
            "id",
            "public_id",
            "style_code",
            "name",
            "description",
            "category",
            "subcategory",
            "colours",
            "materials",
            "occasion_tags",
            "price",
            "currency",
            "season",
            "active",
            "created_at",
            "updated_at",
        ],
        product_rows,
    )
    counts["variants"] = copy_rows(
        Variant, ["id", "product_id", "sku", "size", "colour"], variant_rows
    )
    counts["stock_levels"] = copy_rows(
        StockLevel, ["variant_id", "boutique_id", "quantity", "updated_at"], stock_rows
    )
    reset_sequence(Product)
    reset_sequence(Variant)
    del product_rows, variant_rows, stock_rows
    log(f"catalogue seeded in {time.perf_counter() - started:.1f}s")

    # --- clients, consent, books ----------------------------------------------------------
    c_cluster = np.minimum(rng.zipf(1.3, size=clients) - 1, CLUSTERS - 1)
    c_boutique = rng.integers(0, len(boutiques), size=clients)
    erased = rng.random(clients) < 0.002
    client_rows = []
    for cid in range(1, clients + 1):
        r = rng.random(8)
        sizes = {}
        if r[0] < 0.9:
            sizes["ready_to_wear"] = SIZES["rtw"][int(rng.integers(6))]
        if r[1] < 0.8:
            sizes["shoes"] = SIZES["shoes"][int(rng.integers(6))]
        if r[2] < 0.3:
            sizes["ring"] = SIZES["ring"][int(rng.integers(4))]
        if r[3] < 0.2:
            sizes["belt"] = SIZES["belt"][int(rng.integers(4))]
        avoided = [str(rng.choice(COLOURS))] if r[4] < 0.05 else []
        band = (None, None)
        if r[5] < 0.1:
            low = float(rng.choice([0, 500, 1000]))
            band = (low, low + float(rng.choice([2000, 5000, 15000])))
        prefs = r[6] < 0.4
        salutation = "Mme" if r[7] < 0.75 else ("M." if r[7] < 0.95 else "")
        client_rows.append(
            (
                cid,
                uuid.uuid4(),
                salutation,
                FIRST[cid % len(FIRST)],
                LAST[cid % len(LAST)],
                "en",
                boutiques[c_boutique[cid - 1]].pk,
                Jsonb(sizes),
                Jsonb([names[int(rng.integers(len(names)))]] if prefs else []),
                Jsonb([str(rng.choice(COLOURS))] if prefs else []),
                Jsonb([]),
                Jsonb(avoided),
                Jsonb([]),
                band[0],
                band[1],
                "erased" if erased[cid - 1] else "active",
                now,
                now,
            )
        )
    counts["clients"] = copy_rows(
        Client,
        [
            "id",
            "public_id",
            "salutation",
            "first_name",
            "last_name",
            "preferred_language",
            "home_boutique_id",
            "sizes",
            "preferred_categories",
            "preferred_colours",
            "preferred_materials",
            "avoided",
            "style_keywords",
            "price_band_min",
            "price_band_max",
            "status",
            "created_at",
            "updated_at",
        ],
        client_rows,
    )
    reset_sequence(Client)
    del client_rows
    tiers = rng.choice(["essential", "personal", "bespoke"], size=clients, p=[0.2, 0.45, 0.35])
    has_record = rng.random(clients) > 0.03
    recorded = now - dt.timedelta(days=200)
    consent_rows = (
        (
            cid,
            "essential" if erased[cid - 1] else tiers[cid - 1],
            True,
            False,
            False,
            False,
            policy.pk,
            "import",
            recorded,
            "Benchmark consent",
            "",
        )
        for cid in range(1, clients + 1)
        if has_record[cid - 1]
    )
    counts["consent_records"] = copy_rows(
        ConsentRecord,
        [
            "client_id",
            "tier",
            "email",
            "sms",
            "whatsapp",
            "phone",
            "policy_version_id",
            "source",
            "recorded_at",
            "proof_text",
            "note",
        ],
        consent_rows,
    )
    booked = (rng.random(clients) < 0.85) & ~erased
    stylist_of = rng.integers(0, len(advisors), size=clients)
    counts["book_assignments"] = copy_rows(
        BookAssignment,
        ["client_id", "stylist_id", "started_at"],
        (
            (cid, advisors[stylist_of[cid - 1]].pk, recorded)
            for cid in range(1, clients + 1)
            if booked[cid - 1]
        ),
    )
    log(f"clients seeded in {time.perf_counter() - started:.1f}s")

    # --- events ------------------------------------------------------------------------------
    activity = rng.lognormal(0.0, 1.1, size=clients)
    activity /= activity.sum()
    global_p = _zipf(products, 1.05, rng)
    by_cluster = [np.flatnonzero(p_cluster == k) for k in range(CLUSTERS)]
    cluster_p = [global_p[idx] / global_p[idx].sum() for idx in by_cluster]

    def draw(n: int) -> tuple[np.ndarray, np.ndarray]:
        who = rng.choice(clients, size=n, p=activity)
        what = rng.choice(products, size=n, p=global_p)
        local = rng.random(n) < 0.7
        clusters = c_cluster[who]
        for k in np.unique(clusters[local]):
            at = np.flatnonzero(local & (clusters == k))
            what[at] = by_cluster[k][rng.choice(len(by_cluster[k]), size=len(at), p=cluster_p[k])]
        return who + 1, what + 1

    n_lines = int(interactions * 0.12)
    n_wish = int(interactions * 0.03)
    n_inter = interactions - n_lines - n_wish
    who, what = draw(n_lines)
    ts = _timestamps(n_lines, now, rng)
    # Lines of the same client within the same day form one order.
    day = ts // 86400
    order_key = np.lexsort((day, who))
    who, what, ts, day = who[order_key], what[order_key], ts[order_key], day[order_key]
    new_order = np.ones(n_lines, dtype=bool)
    new_order[1:] = (who[1:] != who[:-1]) | (day[1:] != day[:-1])
    order_of_line = np.cumsum(new_order)
    first = np.flatnonzero(new_order)
    status = rng.choice(
        ["completed", "returned", "cancelled"], size=len(first), p=[0.9, 0.07, 0.03]
    )
    order_rows = (
        (
            int(order_of_line[i]),
            uuid.uuid4(),
            int(who[i]),
            "boutique",
            boutiques[c_boutique[who[i] - 1]].pk,
            t,
            status[n],
            "EUR",
            0,
        )
        for n, (i, t) in enumerate(zip(first.tolist(), _aware(ts[first]), strict=True))
    )
    counts["orders"] = copy_rows(
        Order,
        [
            "id",
            "public_id",
            "client_id",
            "channel",
            "boutique_id",
            "placed_at",
            "status",
            "currency",
            "total",
        ],
        order_rows,
    )
    reset_sequence(Order)
    counts["order_lines"] = copy_rows(
        OrderLine,
        ["order_id", "product_id", "quantity", "unit_price"],
        (
            (int(o), int(p), 1, float(p_price[p - 1]))
            for o, p in zip(order_of_line.tolist(), what.tolist(), strict=True)
        ),
    )
    log(f"orders seeded in {time.perf_counter() - started:.1f}s")

    who, what = draw(n_wish)
    pairs = np.unique(np.stack([who, what]), axis=1)
    wish_ts = _aware(_timestamps(pairs.shape[1], now, rng))
    counts["wishlist_items"] = copy_rows(
        WishlistItem,
        ["client_id", "product_id", "added_at", "note"],
        ((int(c), int(p), t, "") for c, p, t in zip(pairs[0], pairs[1], wish_ts, strict=True)),
    )

    kinds = np.array(list(INTERACTION_MIX))
    chunk = 250_000
    total = 0
    for start in range(0, n_inter, chunk):
        n = min(chunk, n_inter - start)
        who, what = draw(n)
        kind = rng.choice(kinds, size=n, p=np.array(list(INTERACTION_MIX.values())))
        moments = _aware(_timestamps(n, now, rng))
        total += copy_rows(
            Interaction,
            ["client_id", "product_id", "kind", "occurred_at", "channel", "context"],
            (
                (int(c), int(p), k, t, "web", "{}")
                for c, p, k, t in zip(
                    who.tolist(), what.tolist(), kind.tolist(), moments, strict=True
                )
            ),
        )
    counts["interactions"] = total
    log(f"interactions seeded in {time.perf_counter() - started:.1f}s")

    # --- occasions and styling requests ---------------------------------------------------
    has_occasion = np.flatnonzero(rng.random(clients) < 0.25) + 1
    soon = rng.random(len(has_occasion)) < 0.3
    offsets = np.where(
        soon, rng.integers(1, 60, len(has_occasion)), rng.integers(61, 365, len(has_occasion))
    )
    today = timezone.localdate(now)
    occasion_kinds = ["birthday", "anniversary", "wedding", "gala", "travel", "holiday"]
    counts["occasions"] = copy_rows(
        Occasion,
        [
            "client_id",
            "kind",
            "title",
            "date",
            "recurring_yearly",
            "next_date",
            "notes",
            "source",
            "created_at",
        ],
        (
            (
                int(c),
                occasion_kinds[int(c) % len(occasion_kinds)],
                "",
                today + dt.timedelta(days=int(o)),
                False,
                today + dt.timedelta(days=int(o)),
                "",
                "stylist",
                now,
            )
            for c, o in zip(has_occasion.tolist(), offsets.tolist(), strict=True)
        ),
    )
    requesters = rng.choice(
        np.flatnonzero(booked) + 1, size=min(300, int(booked.sum())), replace=False
    )
    StylingRequest.objects.bulk_create(
        [
            StylingRequest(
                client_id=int(c),
                stylist_id=advisors[stylist_of[c - 1]].pk,
                message="Something for a dinner in town, please.",
                created_at=now - dt.timedelta(hours=1),
                due_at=now + dt.timedelta(hours=3),
            )
            for c in requesters
        ],
        batch_size=1000,
    )
    counts["styling_requests"] = len(requesters)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counts["seed_seconds"] = round(time.perf_counter() - started, 1)
    return counts
