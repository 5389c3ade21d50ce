"""Collecting data from partners ("zbieranie danych"): forms sent out (``pzk formularze``) and merged back
(``pzk zbierz``), and survey answers imported from online tools (``pzk ankieta``, ``pzk importuj-ankiete``), so
that each partner enters its own cooperation, services and answers instead of the leader retyping them."""
