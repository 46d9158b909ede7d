"""Every app's API under /api/v1/, on one router."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from assessment import api as assessment_api
from incentives import api as incentives_api
from lightup import api as lightup_api
from notifications import api as notifications_api
from org import api as org_api
from reviews import api as reviews_api
from scorecard import api as scorecard_api
from spm import saved_filter_api
from strategy import api as strategy_api

router = DefaultRouter()
org_api.register(router)
strategy_api.register(router)
scorecard_api.register(router)
notifications_api.register(router)
lightup_api.register(router)
assessment_api.register(router)
incentives_api.register(router)
reviews_api.register(router)
saved_filter_api.register(router)

urlpatterns = [
    path("", include(router.urls)),
]
