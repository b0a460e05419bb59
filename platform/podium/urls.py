from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

# admin.site is podium.accounts.admin_site.PodiumAdminSite (INSTALLED_APPS names its config).
urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("podium.api.urls")),
    path("accounts/", include("podium.accounts.urls")),
    path("", include("podium.web.urls")),
]
