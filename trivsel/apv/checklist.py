"""The physical-environment checklist: HR's own points, or the bundled default the first
time (Trivsel's own wording after Arbejdstilsynet's topics for an APV's walk-through)."""

from django.db import transaction

from trivsel.apv.models import ChecklistItem

DEFAULT = [
    (
        "Indeklima: temperatur, træk og udluftning",
        "Indoor climate: temperature, draughts, ventilation",
    ),
    ("Støj", "Noise"),
    ("Lys og belysning", "Light and lighting"),
    ("Tunge løft, forflytninger og hjælpemidler", "Heavy lifting, transfers and aids"),
    ("Arbejdsstillinger og gentaget arbejde", "Working postures and repetitive work"),
    ("Skærmarbejde og arbejdspladsens indretning", "Screen work and the layout of the workplace"),
    ("Kemiske stoffer og rengøringsmidler", "Chemicals and cleaning agents"),
    ("Smitte og hygiejne", "Infection and hygiene"),
    ("Ulykker: fald, snublen, maskiner og værktøj", "Accidents: falls, trips, machines, tools"),
    (
        "Alene-arbejde og arbejde uden for arbejdsstedet",
        "Working alone and away from the workplace",
    ),
    ("Flugtveje, brand og førstehjælp", "Escape routes, fire and first aid"),
    (
        "Velfærdsforhold: toiletter, omklædning, pauserum",
        "Welfare facilities: toilets, changing, break room",
    ),
]


@transaction.atomic
def items() -> list[ChecklistItem]:
    """The active points, the bundled default loaded if HR has none yet."""
    if not ChecklistItem.objects.exists():
        ChecklistItem.objects.bulk_create(
            ChecklistItem(text={"da": da, "en": en}, order=number)
            for number, (da, en) in enumerate(DEFAULT)
        )
    return list(ChecklistItem.objects.filter(active=True))
