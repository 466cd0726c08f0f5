"""`kpiframe schema` and `kpiframe init`: setting a framework up."""

from enum import Enum
from pathlib import Path

import typer

from kpiframe.commands.common import choice, usage_error
from kpiframe.fsutil import WriteFailed, emit, names_stdout, write_output


class Editor(str, Enum):
    vscode = "vscode"


def schema(
    path: Path = typer.Argument(Path("."), metavar="PATH", help="With --editor: the framework folder whose files get the schema."),
    output: Path | None = typer.Option(
        None, "--output", "-o", metavar="FILE",
        help="Write the schema to FILE (atomically; - is standard output) instead of printing it."),
    editor: Editor | None = choice(
        None, "--editor", choices=Editor, help="Check every framework document in this editor: vscode writes the schema to "
        ".vscode/kpiframe.schema.json (or FILE) and maps it to the framework's files in .vscode/settings.json."),
) -> None:
    """Print the JSON Schema of framework documents, for completion and inline errors in editors."""
    from kpiframe.schema_export import framework_files_at, schema_json

    text = schema_json()
    if editor is not None:
        _set_up_editor(path, text, output)
        return
    if output is None or names_stdout(output):
        emit(text)
        return
    write_output(output, text, inputs=framework_files_at(output))
    print(f"Wrote {output}. Map it to your framework's files in the editor (README: Editors), "
          "or for one file start it with: # yaml-language-server: $schema=<path to it>")


def _set_up_editor(path: Path, schema_text: str, output: Path | None) -> None:
    from kpiframe.editor_settings import SettingsRefused, setup_summary, setup_vscode

    if names_stdout(output):
        usage_error("--editor needs the schema in a file the editor can read; leave out --output, or name a file")
    try:
        done = setup_vscode(path, schema_text, output)
    except SettingsRefused as exc:
        usage_error(str(exc))
    emit(setup_summary(done))


def init(
    folder: Path = typer.Argument(Path("."), metavar="FOLDER", help="The folder to create the framework in (created if missing)."),
    force: bool = typer.Option(False, "--force", help="Overwrite files that have the same names."),
) -> None:
    """Create a small, commented framework that passes `kpiframe check`, to start from."""
    from kpiframe.scaffold import InitRefused, init_framework, next_steps

    try:
        result = init_framework(folder, force=force)
    except InitRefused as exc:
        usage_error(str(exc))
    except OSError as exc:
        raise WriteFailed(f"could not write into {folder}: {exc.strerror or exc}") from None
    emit(next_steps(result, str(folder)))
