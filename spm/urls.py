from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from spm import saved_filter_views, views
from spm.forms import LoginForm

handler404 = views.not_found

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("jobs/<int:pk>/", views.job_detail, name="job-detail"),
    path("jobs/<int:pk>/download/", views.job_download, name="job-download"),
    path("filters/save/", saved_filter_views.saved_filter_save, name="saved-filter-save"),
    path(
        "filters/<int:pk>/default/",
        saved_filter_views.saved_filter_default,
        name="saved-filter-default",
    ),
    path(
        "filters/<int:pk>/delete/",
        saved_filter_views.saved_filter_delete,
        name="saved-filter-delete",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("spm.api_urls")),
    path("assessment/", include("assessment.urls")),
    path("incentives/", include("incentives.urls")),
    path("reviews/", include("reviews.urls")),
    path("org/", include("org.urls")),
    path("scorecards/", include("scorecard.urls")),
    path("strategy/", include("strategy.urls")),
    path("lightup/", include("lightup.urls")),
    path("inbox/", include("notifications.urls")),
]
