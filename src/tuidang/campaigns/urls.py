"""URLs of call campaigns, appended to the console's URLconf (namespace
`console`, under /console/): every view carries `console_view`."""

from django.urls import path

from tuidang.campaigns.views import calling, leads
from tuidang.campaigns.views import statistics as statistics_views

urlpatterns = [
    # Callers (Permission.HOTLINE).
    path("calls/", calling.calls_page, name="calls"),
    path("calls/next/", calling.next_call, name="next_call"),
    path("calls/undo/", calling.undo, name="call_undo"),
    path("calls/<int:target_id>/", calling.call_page, name="call"),
    path("calls/<int:target_id>/outcome/", calling.outcome, name="call_outcome"),
    path("calls/<int:target_id>/release/", calling.release, name="call_release"),
    path("calls/<int:target_id>/agreed/", calling.agreed, name="call_agreed"),
    path("calls/<int:target_id>/agreed/alias/", calling.agreed_alias, name="call_agreed_alias"),
    path("calls/<int:target_id>/agreed/group/", calling.agreed_group, name="call_agreed_group"),
    # Campaign leads (Permission.CAMPAIGNS).
    path("campaigns/", leads.campaigns_page, name="campaigns"),
    path("campaigns/do-not-call/", leads.do_not_call_page, name="do_not_call"),
    path("campaigns/<int:campaign_id>/", leads.campaign_page, name="campaign"),
    path("campaigns/<int:campaign_id>/script/", leads.script_page, name="campaign_script"),
    path("campaigns/<int:campaign_id>/targets/", leads.targets_page, name="campaign_targets"),
    path(
        "campaigns/<int:campaign_id>/statistics/",
        statistics_views.campaign_statistics,
        name="campaign_statistics",
    ),
    path(
        "campaigns/<int:campaign_id>/statistics.csv",
        statistics_views.campaign_statistics_csv,
        name="campaign_statistics_csv",
    ),
]
