from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from podium.accounts.forms import LimitedAdminAuthenticationForm

# The admin says whose it is (not "Django administration") in its header and tab titles.
admin.site.site_header = "Podium administration"
admin.site.site_title = "Podium admin"
admin.site.index_title = "Tasks, teams and submissions"

# The admin's log-in takes passwords as the site's does: the same failed-login limits.
admin.site.login_form = LimitedAdminAuthenticationForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("podium.api.urls")),
    path("accounts/", include("podium.accounts.urls")),
    path("", include("podium.web.urls")),
]
