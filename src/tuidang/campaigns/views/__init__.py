"""Console screens of call campaigns: calling (callers), campaign management
(campaign leads) and statistics. Mounted in the console's URLconf."""
