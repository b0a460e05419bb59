from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/", include("podium.api.urls")),
    path("accounts/", include("podium.accounts.urls")),
    path("", include("podium.web.urls")),
]
