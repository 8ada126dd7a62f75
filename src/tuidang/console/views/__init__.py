"""Console views, one module per screen."""
