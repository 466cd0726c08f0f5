"""Stage 1: find the framework's files and parse them safely, keeping source positions."""

from kpiframe.load.discover import discover_files
from kpiframe.load.document import Limits, ParsedFile, RawDocument, Text
from kpiframe.load.yamlfile import parse_text, read_yaml_file

__all__ = ["Limits", "ParsedFile", "RawDocument", "Text", "discover_files", "parse_text", "read_yaml_file"]
