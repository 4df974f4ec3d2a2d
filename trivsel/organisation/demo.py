"""A plausible Danish municipality, generated deterministically from a seed, as the same
rows an HR export would carry. `seed_demo` imports it through the ordinary import; the
benchmark writes it to files."""

import csv
import io
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

UNIT_HEADERS = ["code", "parent", "name", "kind"]
EMPLOYEE_HEADERS = ["number", "name", "email", "mobile", "job_group", "unit", "leader", "trio"]
DOMAIN = "soeby.dk"

FIRST_NAMES = [
    "Anne",
    "Mette",
    "Hanne",
    "Kirsten",
    "Susanne",
    "Lene",
    "Maria",
    "Louise",
    "Camilla",
    "Pia",
    "Helle",
    "Tina",
    "Karina",
    "Line",
    "Charlotte",
    "Rikke",
    "Julie",
    "Sofie",
    "Emma",
    "Ida",
    "Nanna",
    "Fatima",
    "Amina",
    "Vibeke",
    "Birgitte",
    "Jette",
    "Lone",
    "Dorte",
    "Peter",
    "Jens",
    "Lars",
    "Michael",
    "Henrik",
    "Søren",
    "Thomas",
    "Martin",
    "Jan",
    "Niels",
    "Anders",
    "Rasmus",
    "Jesper",
    "Morten",
    "Mads",
    "Kasper",
    "Christian",
    "Frederik",
    "Mikkel",
    "Ali",
    "Mohammed",
    "Ahmad",
    "Jonas",
    "Emil",
    "Oliver",
]
LAST_NAMES = [
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Christiansen",
    "Poulsen",
    "Johansen",
    "Møller",
    "Mortensen",
    "Knudsen",
    "Jakobsen",
    "Mikkelsen",
    "Frederiksen",
    "Dahl",
    "Lund",
    "Holm",
    "Schmidt",
    "Eriksen",
    "Kjær",
    "Bach",
    "Lauridsen",
    "Yilmaz",
    "Hussein",
    "Ahmadi",
    "Nguyen",
    "Kowalski",
]
PLACES = [
    "Egebakken",
    "Bøgely",
    "Skovvang",
    "Søholm",
    "Engparken",
    "Lindely",
    "Toftegården",
    "Kildebakken",
    "Solvang",
    "Granhøj",
    "Birkely",
    "Fjordbo",
    "Havgården",
    "Møllevang",
    "Østerled",
    "Vesterhave",
    "Nørremark",
    "Sønderlund",
    "Åbakken",
    "Rosenhøj",
    "Hyldegården",
    "Pilehaven",
    "Enghaven",
    "Stensbjerg",
    "Kirkevang",
    "Strandvejen",
    "Marienlyst",
    "Bakkehuset",
    "Klosterhaven",
    "Vibeholm",
    "Ravnsborg",
    "Lærkevang",
    "Tranehøj",
    "Svanevænget",
]
AREAS = ["Nord", "Syd", "Øst", "Vest", "Midt", "By", "Land", "Kyst"]


@dataclass(frozen=True)
class DepartmentSpec:
    code: str
    name: str
    share: float
    unit_names: tuple[str, ...]
    team_names: tuple[str, ...]
    job_groups: tuple[tuple[str, int], ...]
    email_share: float


DEPARTMENTS = (
    DepartmentSpec(
        "SO", "Sundhed og Omsorg", 0.36,
        ("Lokalcenter {place}", "Hjemmeplejen {place}", "Plejehjemmet {place}"),
        ("Team Dag {n}", "Team Aften {n}", "Team Nat {n}", "Team Rehabilitering {n}"),
        (("Social- og sundhedshjælper", 40), ("Social- og sundhedsassistent", 30),
         ("Sygeplejerske", 12), ("Ergoterapeut", 4), ("Fysioterapeut", 4),
         ("Køkkenmedarbejder", 4), ("Administrativ medarbejder", 3), ("Servicemedarbejder", 3)),
        0.55,
    ),
    DepartmentSpec(
        "BU", "Børn og Unge", 0.30,
        ("{place}skolen", "Børnehuset {place}", "Dagtilbud {place}"),
        ("Indskolingen {n}", "Mellemtrinnet {n}", "Udskolingen {n}", "Vuggestuen {n}",
         "Børnehaven {n}"),
        (("Pædagog", 35), ("Lærer", 30), ("Pædagogmedhjælper", 20),
         ("Pædagogisk assistent", 8), ("Administrativ medarbejder", 4), ("Servicemedarbejder", 3)),
        0.9,
    ),
    DepartmentSpec(
        "SB", "Sociale Forhold og Beskæftigelse", 0.14,
        ("Jobcenter {place}", "Bostedet {place}", "Socialcenter {place}"),
        ("Team Ungeindsats {n}", "Team Voksen {n}", "Team Bostøtte {n}"),
        (("Socialrådgiver", 35), ("Pædagog", 25), ("Jobkonsulent", 20),
         ("Administrativ medarbejder", 15), ("Psykolog", 5)),
        0.95,
    ),
    DepartmentSpec(
        "TM", "Teknik og Miljø", 0.08,
        ("Vej og Park {place}", "Byggeri {place}", "Natur og Miljø {place}"),
        ("Driftsteam {n}", "Projektteam {n}"),
        (("Gartner", 30), ("Vejmand", 25), ("Ingeniør", 20), ("Administrativ medarbejder", 25)),
        0.85,
    ),
    DepartmentSpec(
        "KB", "Kultur og Borgerservice", 0.06,
        ("Biblioteket {place}", "Borgerservice {place}", "Kulturhuset {place}"),
        ("Team Udlån {n}", "Team Borgerservice {n}"),
        (("Bibliotekar", 35), ("Kontorassistent", 40), ("Kulturmedarbejder", 25)),
        0.95,
    ),
    DepartmentSpec(
        "BA", "Borgmesterens Afdeling", 0.06,
        ("HR og Arbejdsmiljø", "Økonomi og Analyse", "IT og Digitalisering", "Jura",
         "Kommunikation", "Sekretariatet {place}"),
        ("Team {n}",),
        (("Konsulent", 45), ("Administrativ medarbejder", 35), ("Specialist", 20)),
        1.0,
    ),
)  # fmt: skip


@dataclass
class DemoOrganisation:
    units: list[dict[str, str]] = field(default_factory=list)
    employees: list[dict[str, str]] = field(default_factory=list)


class _Builder:
    def __init__(self, seed: int):
        self.random = random.Random(seed)
        self.org = DemoOrganisation()
        self.next_number = 100001
        self.email_counts: dict[str, int] = {}

    def unit(self, code: str, parent: str, name: str, kind: str) -> str:
        self.org.units.append({"code": code, "parent": parent, "name": name, "kind": kind})
        return code

    def person(
        self, unit: str, job_group: str, email_share: float, leader: bool = False, trio: str = ""
    ) -> None:
        rng = self.random
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if rng.random() < 0.15:
            first = f"{first} {rng.choice(FIRST_NAMES)}"
        name = f"{first} {last}"
        email = ""
        if leader or rng.random() < email_share:
            local = _ascii(f"{first.split()[0]}.{last}").lower()
            count = self.email_counts.get(local, 0) + 1
            self.email_counts[local] = count
            email = f"{local}{count if count > 1 else ''}@{DOMAIN}"
        mobile = f"{rng.randint(20, 99)}{rng.randint(0, 999999):06d}" if rng.random() < 0.85 else ""
        self.org.employees.append(
            {
                "number": str(self.next_number),
                "name": name,
                "email": email,
                "mobile": mobile,
                "job_group": job_group,
                "unit": unit,
                "leader": "ja" if leader else "nej",
                "trio": trio,
            }
        )
        self.next_number += 1

    def staff(self, unit: str, spec: DepartmentSpec, count: int, leader_title: str) -> None:
        """A unit's people: its leader first, then ordinary staff."""
        if count <= 0:
            return
        self.person(unit, leader_title, spec.email_share, leader=True)
        groups, weights = zip(*spec.job_groups, strict=True)
        for job_group in self.random.choices(groups, weights, k=count - 1):
            self.person(unit, job_group, spec.email_share)


def _ascii(text: str) -> str:
    for danish, plain in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("Æ", "Ae"), ("Ø", "Oe"),
                          ("Å", "Aa"), (" ", "."), ("é", "e")):  # fmt: skip
        text = text.replace(danish, plain)
    return text


def generate(employees: int = 5000, seed: int = 1) -> DemoOrganisation:
    """About one unit per 15 employees: 5,000 give ~330 units, 45,000 ~3,000."""
    builder = _Builder(seed)
    rng = builder.random
    root = builder.unit("K", "", "Søby Kommune", "municipality")
    builder.staff(root, DEPARTMENTS[-1], 3, "Kommunaldirektør")
    remaining = employees - 3
    assigned = 0
    for spec in DEPARTMENTS:
        # The last department takes what rounding left over, so the total is exact.
        if spec is DEPARTMENTS[-1]:
            department_total = max(20, remaining - assigned)
        else:
            department_total = max(20, round(remaining * spec.share))
        assigned += department_total
        department = builder.unit(spec.code, root, spec.name, "department")
        builder.staff(department, spec, 4, "Direktør")
        area_count = max(1, round(department_total / 1500))
        per_area, leftover = divmod(department_total - 4, area_count)
        for area_index in range(area_count):
            area_name = AREAS[area_index % len(AREAS)]
            if area_index >= len(AREAS):
                area_name += f" {area_index // len(AREAS) + 1}"
            area = builder.unit(
                f"{spec.code}-{area_index + 1:02d}", department, f"{spec.name}, Område {area_name}",
                "area",
            )  # fmt: skip
            builder.staff(area, spec, 3, "Områdechef")
            extra = leftover if area_index == 0 else 0
            _fill_area(builder, spec, area, per_area + extra - 3, rng)
    return builder.org


def _fill_area(
    builder: _Builder, spec: DepartmentSpec, area: str, people: int, rng: random.Random
) -> None:
    unit_index = 0
    while people > 0:
        unit_index += 1
        size = min(people, rng.randint(15, 80))
        people -= size
        template = spec.unit_names[(unit_index - 1) % len(spec.unit_names)]
        place = PLACES[(unit_index * 7 + len(area)) % len(PLACES)]
        name = template.format(place=place)
        if "{place}" not in template and unit_index > len(spec.unit_names):
            name = f"{name} {unit_index}"
        unit = builder.unit(f"{area}-{unit_index:03d}", area, name, "unit")
        if size <= 30:
            builder.staff(unit, spec, size, "Leder")
            _elect_trio(builder, unit, size)
            continue
        # A large unit has a small leadership group and teams of 14-20.
        builder.staff(unit, spec, 3, "Leder")
        _elect_trio(builder, unit, 3)
        team_count = math.ceil((size - 3) / 20)
        base, extra = divmod(size - 3, team_count)
        for team_index in range(team_count):
            team_template = spec.team_names[team_index % len(spec.team_names)]
            team = builder.unit(
                f"{unit}-T{team_index + 1}",
                unit,
                team_template.format(n=team_index // len(spec.team_names) + 1),
                "team",
            )
            builder.staff(team, spec, base + (1 if team_index < extra else 0), "Teamleder")


def _elect_trio(builder: _Builder, unit: str, size: int) -> None:
    """The unit's AMR is one of its last `size` employees; a TR too where there are 3+."""
    people = [
        e for e in builder.org.employees[-size:] if e["unit"] == unit and e["leader"] == "nej"
    ]
    if people:
        people[0]["trio"] = "AMR"
    if size >= 3 and len(people) > 1:
        people[1]["trio"] = "TR"


def to_csv(rows: list[dict[str, str]], headers: list[str], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, headers, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def to_xlsx(rows: list[dict[str, str]], headers: list[str]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Data")
    sheet.append(headers)
    for row in rows:
        sheet.append([row[header] for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_files(org: DemoOrganisation, directory: Path, fmt: str = "csv") -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    units_path, employees_path = directory / f"units.{fmt}", directory / f"employees.{fmt}"
    writer = to_xlsx if fmt == "xlsx" else to_csv
    units_path.write_bytes(writer(org.units, UNIT_HEADERS))
    employees_path.write_bytes(writer(org.employees, EMPLOYEE_HEADERS))
    return units_path, employees_path
