"""The gap report (`kpiframe report`): :mod:`.model` computes it, the renderers format it."""
