#!/usr/bin/env bash
# Offline evaluation of the recommender on the UCI Online Retail file (temporal split at
# 2011-09-01, then a random per-client split). Prints one JSON object per run on stdout.
# Usage: benchmarks/evaluate_online_retail.sh [path/to/online_retail.csv.gz]
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${1:-../shared/data/online_retail.csv.gz}"
PY="${PYTHON:-.venv/bin/python}"
"$PY" manage.py evaluate_recommendations --interactions "$DATA" --format online-retail \
  --split temporal --cutoff 2011-09-01
"$PY" manage.py evaluate_recommendations --interactions "$DATA" --format online-retail \
  --split random
