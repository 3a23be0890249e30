"""The stylist dashboard's page-shaped reads: each joins several apps for one page.

Today, the client story, the conversations and the team board read clients,
consent, stylists and recommendations together, so they sit on the interface
floor beside the views that show them (docs/architecture.md), not in
stylists.selectors, which reads the relationship domain only. Each page is a
fixed number of queries, whatever the rows.
"""
