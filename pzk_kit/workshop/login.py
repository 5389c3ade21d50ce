"""The page a person sees when opening the app without its key: Polish, and it says what to do.

``pzk app`` protects the app with a key (a token in the address it prints). Opened without it (a bookmark, the
address typed by hand, a second tab), Voila showed Jupyter's English login page ("Password or token", "jupyter
server list"), which means nothing to a workshop. This identity provider is Voila's own, with only the login page
replaced by ``data/app/logowanie.html``: the key is still checked by Jupyter, the same way.

It runs inside the Voila server process (``Voila.identity_provider_class`` in ``data/app/jupyter/config``).
"""

from __future__ import annotations

import html

from jupyter_server.auth.identity import PasswordIdentityProvider
from tornado.escape import url_escape
from voila.voila_identity_provider import VoilaLoginHandler

LOGIN_PAGE = ("app", "logowanie.html")


def login_page(action: str, xsrf_field: str, wrong_key: bool) -> str:
    """The Polish login page; ``action`` is escaped here, ``xsrf_field`` is tornado's ready hidden field."""
    from pzk_kit.resources import data_path

    page = data_path(*LOGIN_PAGE).read_text(encoding="utf-8")
    message = ('<p class="blad" role="alert">Ten klucz nie pasuje. Skopiuj jeszcze raz cały adres z okna, w którym '
               "działa <code>pzk app</code> — po każdym uruchomieniu klucz jest nowy.</p>") if wrong_key else ""
    return (page.replace("{akcja}", html.escape(action, quote=True)).replace("{xsrf}", xsrf_field)
            .replace("{komunikat}", message))


class PolishLoginHandler(VoilaLoginHandler):
    def _render(self, message=None):
        next_url = url_escape(self.get_argument("next", default=self.base_url))
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.write(login_page(f"{self.base_url}login?next={next_url}", self.xsrf_form_html(),
                              wrong_key=message is not None))


class PolishIdentityProvider(PasswordIdentityProvider):
    """Voila's identity provider with the Polish login page (Voila passes its own login handler when creating it)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.login_handler_class = PolishLoginHandler
