"""URLs of the console (mounted at /console/; a URLconf of its own so the
console can later be served on its own host). Every view carries a role
decorator; see README.md for the table of URLs and roles."""

from django.urls import path

from tuidang.campaigns.urls import urlpatterns as campaign_urlpatterns
from tuidang.console.views import (
    account,
    administration,
    audit_log,
    configuration,
    home,
    intake,
    moderation,
    review,
    signin,
    unsealing,
)

app_name = "console"
urlpatterns = [
    path("", home.home, name="home"),
    path("login/", signin.login_view, name="login"),
    path("login/code/", signin.verify, name="verify"),
    path("login/enrol/", signin.enrol, name="enrol"),
    path("join/<str:token>/", signin.join, name="join"),
    path("logout/", signin.logout_view, name="logout"),
    path("account/", account.account, name="account"),
    path("account/recovery-codes/", account.recovery_codes, name="recovery_codes"),
    path("account/log-out-everywhere/", account.log_out_everywhere, name="log_out_everywhere"),
    path("hotline/", intake.hotline, name="hotline"),
    path("group/", intake.group, name="group"),
    path("transcribe/<slug:channel>/", intake.transcribe, name="transcribe"),
    path("moderation/", moderation.queue, name="queue"),
    path("moderation/<int:declaration_id>/", moderation.detail, name="declaration"),
    path("moderation/<int:declaration_id>/act/", moderation.act, name="act"),
    path("review/", review.entries, name="review"),
    path("review/<int:entry_id>/", review.review, name="review_entry"),
    path("admin/volunteers/", administration.volunteers, name="volunteers"),
    path("admin/volunteers/<int:volunteer_id>/", administration.volunteer, name="volunteer"),
    path("admin/organisations/", configuration.organisations_page, name="organisations"),
    path("admin/milestones/", configuration.milestones_page, name="milestones"),
    path("custodians/", administration.custodians, name="custodians"),
    path("audit/", audit_log.audit_log, name="audit"),
    path("unsealing/", unsealing.requests_page, name="unsealing"),
    path("unsealing/<int:request_id>/", unsealing.request_page, name="unseal_request"),
]
urlpatterns += campaign_urlpatterns
