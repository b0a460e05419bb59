"""Sign-up (Django's UserCreationForm plus an email address, which password reset needs) and the
log-in form with failed-login limits."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm

from podium.accounts.client_address import client_address
from podium.accounts.login_limits import login_failure_record, login_refusal

TOO_MANY_FAILURES = "too_many_failures"


class SignUpForm(UserCreationForm):
    email = forms.EmailField(
        label="Email", help_text="For password resets; never shown to other participants."
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this email exists; log in or reset the password instead."
            )
        return email


class LimitedAuthenticationForm(AuthenticationForm):
    """Django's log-in form, refused after too many failures per client address or username."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        refusal = login_refusal(address=address, username=username)
        if refusal is not None:
            raise forms.ValidationError(refusal, code=TOO_MANY_FAILURES)
        try:
            return super().clean()
        except forms.ValidationError as exc:
            if exc.code == "invalid_login":
                login_failure_record(address=address, username=username)
            raise


class LimitedAdminAuthenticationForm(LimitedAuthenticationForm, AdminAuthenticationForm):
    """The admin's log-in form (staff only) under the same limits: it takes passwords too."""
