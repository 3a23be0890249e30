"""CSV imports of clients and orders (formats `atelier` and `online-retail`), see docs/imports.md.

The pipeline, in the order a file goes through it:

- runs: the ImportRun record, who may import, an upload run now or queued
  (by task name, after commit) for clients.tasks;
- services: import_path / import_stream, the entry points: pick the importer,
  check the header, run the batch loop, return an ImportReport (report);
- reading: bytes to CSV records (encoding, delimiter, gzip, size limits);
- parsers: one record to a typed row, or a RowRejected (no database);
- batch_loop: records grouped and written batch by batch, one transaction each;
- writers: one importer per kind of file, set-based writes per batch;
- retail_rules: the Online Retail cleaning rules shared with recommendations.ml.

Deliberately empty of imports: `retail_rules` is pure Python that
recommendations.ml.datasets reads without Django, and every caller imports the
module it needs by its own name (no re-exports).
"""

from __future__ import annotations
