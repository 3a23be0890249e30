"""CSV imports of clients and orders (formats `atelier` and `online-retail`), see docs/imports.md.

Deliberately empty of imports: `retail_rules` is pure Python that
recommendations.ml.datasets reads without Django. The public entry points are
in clients.imports.services (import_file, import_run_execute, ...).
"""
