"""The KPI dashboard's reads: periods, consultations and outreach, the page's figures."""

from stylists.pages.kpis.consultations import CONVERSION_DAYS, Credit, credits_for
from stylists.pages.kpis.export import csv_rows
from stylists.pages.kpis.figures import Figures, percent
from stylists.pages.kpis.page import HOUSE, KpiPage, kpi_page
from stylists.pages.kpis.periods import DEFAULT_PERIOD, PERIODS, Period, period_for

__all__ = [
    "CONVERSION_DAYS",
    "DEFAULT_PERIOD",
    "HOUSE",
    "PERIODS",
    "Credit",
    "Figures",
    "KpiPage",
    "Period",
    "credits_for",
    "csv_rows",
    "kpi_page",
    "percent",
    "period_for",
]
