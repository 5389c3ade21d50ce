"""Zbieranie danych od partnerów: formularze, ich scalanie i import ankiet z narzędzi online."""
