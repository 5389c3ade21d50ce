"""Collecting data from partners ("zbieranie danych"): forms sent out (``pzk formularze``) and merged back
(``pzk zbierz``).

The two sides share one file format, :mod:`pzk_kit.collection.form_format`, so a form written by one version of
the writer is read by the merger without guessing.
"""
