"""Writers: parsed rows in, set-based writes out, one batch at a time; one module per importer.

- batch: what the import loop and every importer agree on (Group, BatchOutcome,
  the Importer protocol);
- shared_steps: the set-based writes several importers share (find clients by
  lookup hash, insert clients, save orders and their totals);
- clients, orders, online_retail: the three importers, one per module, with
  online_retail_cancellations for the Online Retail cancellation invoices.

Each importer has two halves. `prepare` runs on every record, outside any
transaction: it parses (clients.imports.parsers) and checks the file against
itself (duplicates, the lines of one order). `write` runs on a batch of groups
(a client, an order, an invoice) inside the batch's transaction: a few queries
resolve every key of the batch at once (lookup hashes, style codes, external
refs), then bulk inserts. `write` returns a BatchOutcome instead of touching
the report or the importer's memory, so a batch that rolls back leaves no trace;
the service applies the outcome once the batch has committed.
"""

from __future__ import annotations
