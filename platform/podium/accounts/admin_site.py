"""The admin site: Podium's titles, and a log-in under the site's failed-login limits.

Django's AdminSite.login builds its LoginView inline, with no hook for the response, so a refused
attempt re-showed the form with 200 while the site's login page and the token API answer 429.
Here the refusal answers 429 too (a script or monitor sees the block). The refusal message is
the same whether or not the username exists: the per-username counter counts every typed name.
"""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.core.exceptions import NON_FIELD_ERRORS

from podium.accounts.forms import TOO_MANY_FAILURES, LimitedAdminAuthenticationForm


class PodiumAdminSite(AdminSite):
    # The admin says whose it is (not "Django administration") in its header and tab titles.
    site_header = "Podium administration"
    site_title = "Podium admin"
    index_title = "Tasks, teams and submissions"
    # The admin's log-in takes passwords as the site's does: the same failed-login limits.
    login_form = LimitedAdminAuthenticationForm

    def login(self, request, extra_context=None):
        response = super().login(request, extra_context)
        form = (getattr(response, "context_data", None) or {}).get("form")
        if form is not None and form.has_error(NON_FIELD_ERRORS, TOO_MANY_FAILURES):
            response.status_code = 429
        return response
