"""Tests of outbound call campaigns: models, calling windows, phone numbers,
target import."""
