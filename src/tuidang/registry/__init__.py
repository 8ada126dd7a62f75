"""The registry: declarations, their people, groups, tallies and milestones.

Every intake channel calls `tuidang.registry.intake.declare`; every status change
goes through `tuidang.registry.transitions`; every total comes from
`tuidang.registry.tally`. See README.md in this folder.
"""
