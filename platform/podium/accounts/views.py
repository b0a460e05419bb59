"""Sign-up and the profile page; log-in, log-out and password reset are Django's own views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.authtoken.models import Token

from podium.accounts.forms import TOO_MANY_FAILURES, LimitedAuthenticationForm, SignUpForm
from podium.accounts.services import api_token_create, api_token_revoke
from podium.teams.selectors import user_team


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("profile")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.username}! Create or join a team next.")
        return redirect(_safe_next(request, "/teams/"))
    status = 400 if form.errors else 200
    context = {"form": form, "next": request.GET.get("next", "")}
    return render(request, "accounts/signup.html", context, status=status)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    token = Token.objects.filter(user=request.user).first()
    context = {"token": token, "team": user_team(request.user)}
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    api_token_create(user=request.user)
    messages.success(request, "Your API token is ready. Send it as 'Authorization: Token <key>'.")
    return redirect("profile")


@login_required
@require_POST
def token_revoke(request: HttpRequest) -> HttpResponse:
    if api_token_revoke(user=request.user):
        messages.success(request, "Your API token was revoked; scripts using it are refused now.")
    return redirect("profile")


class LoginView(auth.LoginView):
    """Django's view with the failed-login limits; a refusal answers 429."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    authentication_form = LimitedAuthenticationForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, TOO_MANY_FAILURES):
            response.status_code = 429
        return response


class PasswordChangeView(auth.PasswordChangeView):
    """Django's view; a new password also ends the old API token (someone who learnt the old
    password may have taken the token too)."""

    template_name = "accounts/password_change.html"
    success_url = "/accounts/profile/"

    def form_valid(self, form):
        response = super().form_valid(form)
        revoked = api_token_revoke(user=form.user)
        messages.success(self.request, password_changed_message(revoked))
        return response


class PasswordResetConfirmView(auth.PasswordResetConfirmView):
    """Django's view; a reset also ends the API token, as a change does."""

    template_name = "accounts/password_reset_confirm.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        api_token_revoke(user=form.user)
        return response


def password_changed_message(token_revoked: bool) -> str:
    if token_revoked:
        return (
            "Your password is changed. Your API token was revoked with the old password: "
            "create a new one below and update your scripts."
        )
    return "Your password is changed."
