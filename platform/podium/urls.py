from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from podium.accounts.forms import LimitedAdminAuthenticationForm

# The admin's log-in takes passwords as the site's does: the same failed-login limits.
admin.site.login_form = LimitedAdminAuthenticationForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/", include("podium.api.urls")),
    path("accounts/", include("podium.accounts.urls")),
    path("", include("podium.web.urls")),
]
