"""HTTP plumbing shared by every app: privacy and security middleware, logging filters."""
