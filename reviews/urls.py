from django.urls import path

from reviews.views import appeals, people, plans, reviews, schemes

urlpatterns = [
    path("", reviews.my_reviews, name="reviews-mine"),
    path("<int:pk>/", reviews.review_form, name="reviews-review"),
    path("results/<int:pk>/", reviews.result_reviews, name="reviews-result"),
    path(
        "results/<int:pk>/reviewers/<slug:action>/",
        reviews.result_reviewers,
        name="reviews-reviewers",
    ),
    path("results/<int:pk>/appeal/", appeals.appeal_submit, name="reviews-appeal-submit"),
    path("appeals/", appeals.appeal_list, name="reviews-appeals"),
    path("appeals/<int:pk>/", appeals.appeal_detail, name="reviews-appeal"),
    path("appeals/<int:pk>/<slug:action>/", appeals.appeal_action, name="reviews-appeal-action"),
    path("incidents/", people.incident_list, name="reviews-incidents"),
    path("incidents/<int:pk>/delete/", people.incident_delete, name="reviews-incident-delete"),
    path("feedback/", people.feedback_list, name="reviews-feedback"),
    path("feedback/on/", people.feedback_on, name="reviews-feedback-on"),
    path("feedback/<int:pk>/", people.feedback_thread, name="reviews-feedback-thread"),
    path("interviews/", plans.interview_list, name="reviews-interviews"),
    path("interviews/<int:pk>/", plans.interview_detail, name="reviews-interview"),
    path(
        "interviews/<int:pk>/acknowledge/",
        plans.interview_acknowledge,
        name="reviews-interview-ack",
    ),
    path("plans/", plans.plan_list, name="reviews-plans"),
    path("plans/<int:pk>/", plans.plan_detail, name="reviews-plan"),
    path("plans/<int:pk>/<slug:action>/", plans.plan_action, name="reviews-plan-action"),
    path("schemes/<int:pk>/anchors/", schemes.scheme_anchors, name="reviews-anchors"),
]
