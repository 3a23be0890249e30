"""Row parsers: one CSV record in, a typed input or a RowRejected out. No database access.

- columns: the column set of each format (docs/imports.md) and the header check;
- cells: the checks every format shares on one cell (text, names, identities,
  yes/no, dates, quantities, prices, currencies, boutique codes);
- clients, orders, online_retail: one module per kind of row, turning a whole
  row into the typed input its writer (clients.imports.writers) expects.

Parsers see the boutiques (code -> id, time zone), loaded once by the caller,
and nothing else of the database; everything a row can get wrong becomes a
RowRejected with a code and a sentence, never another exception.
"""

from __future__ import annotations
