"""Outbound call campaigns (issue 11): campaigns, calling windows, scripts,
targets and the do-not-call list. This first slice holds the models and the
pure logic (windows, phone numbers, target import); no views yet."""
