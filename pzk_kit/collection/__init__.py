"""Collecting data from partners ("zbieranie danych"): forms sent out (``pzk formularze``) and merged back
(``pzk zbierz``), so that each partner enters its own cooperation and services instead of the leader retyping them."""
