"""Pilotage: the steering dashboards of the national administrator and of each ARS, and the public statistics.

- `selectors` computes every figure as plain data (dicts and lists), for the pages and the REST API;
- `tableaux` turns those figures into the tables shown under each chart and exported (CSV, XLSX, ODS);
- `graphiques` draws the charts (matplotlib, inline SVG), `carte` the schematic map of France;
- `tableaux_de_bord` assembles the pages' sections, `cache` keeps them for a few minutes.
"""
