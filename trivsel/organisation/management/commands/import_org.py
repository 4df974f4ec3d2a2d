from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from trivsel.organisation.importing.plan import Plan
from trivsel.organisation.importing.problems import ImportRejected
from trivsel.organisation.importing.service import (
    MassChangesNotConfirmed,
    UploadedFile,
    apply_import,
    prepare_import,
)
from trivsel.organisation.models import ImportJob


class Command(BaseCommand):
    help = (
        "Import or sync the organisation from HR export files (CSV in UTF-8 or Windows-1252 "
        "with ; or , — or XLSX). Nothing is written unless both files are entirely valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--units", type=Path, help="file of units")
        parser.add_argument("--employees", type=Path, help="file of employees")
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would change; write nothing"
        )
        parser.add_argument(
            "--allow-mass-changes",
            action="store_true",
            help="apply even if it deactivates or closes more than IMPORT_MASS_CHANGE_PERCENT "
            "of the active employees or open units (otherwise refused)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[UploadedFile | None] = []
        for key in ("units", "employees"):
            path: Path | None = options[key]
            if path is None:
                files.append(None)
                continue
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            files.append(UploadedFile(path.name, path.read_bytes()))
        try:
            prepared = prepare_import(files[0], files[1])
        except ImportRejected as rejected:
            for problem in rejected.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(rejected.problems)} problem(s) found; nothing was changed."
            ) from None
        write_plan(self.stdout.write, prepared.plan)
        for change in prepared.mass_changes:
            self.stderr.write(f"Large change: {change}.")
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was changed.")
            return
        confirmed = prepared.mass_changes if options["allow_mass_changes"] else None
        try:
            apply_import(prepared, confirmed)
        except MassChangesNotConfirmed as refused:
            for problem in refused.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                "Refused: the import would remove more than "
                f"{settings.IMPORT_MASS_CHANGE_PERCENT} % of the register (see above). Nothing "
                "was changed. If the files are right, run it again with --allow-mass-changes."
            ) from None
        ImportJob.objects.create(
            status=ImportJob.Status.DONE,
            step=ImportJob.STEPS,
            units_filename=files[0].name if files[0] else "",
            employees_filename=files[1].name if files[1] else "",
            plan=prepared.plan.as_dict(),
            message="import_org",
            finished_at=timezone.now(),
        )
        self.stdout.write(self.style.SUCCESS("Applied."))


def write_plan(write: Any, plan: Plan, detail_limit: int = 50) -> None:
    for name, items in plan.as_dict().items():
        write(f"{name.replace('_', ' ')}: {len(items)}")
        for item in items[:detail_limit]:
            write("  " + ", ".join(f"{key}={value}" for key, value in item.items()))
        if len(items) > detail_limit:
            write(f"  … and {len(items) - detail_limit} more")
