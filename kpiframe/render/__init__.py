"""Stage 6: renderers. Each takes a finished result and returns text; none computes anything."""
