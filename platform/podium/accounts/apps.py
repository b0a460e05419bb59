from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "podium.accounts"
    label = "accounts"


class PodiumAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with Podium's site as `admin.site` (see accounts/admin_site.py)."""

    default = False  # named in INSTALLED_APPS; "podium.accounts" still means AccountsConfig
    default_site = "podium.accounts.admin_site.PodiumAdminSite"
