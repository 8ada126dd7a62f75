"""The volunteers' console: accounts and roles, hotline and transcription intake,
groups and proxies, moderation, administration. Served under /console/."""
