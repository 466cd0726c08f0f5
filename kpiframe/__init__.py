"""kpiframe: lint a performance framework kept as YAML."""

__version__ = "0.1.0"
