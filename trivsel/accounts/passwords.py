"""A password validator for what people in a Danish municipality actually choose, on top of
Django's (whose list of common passwords is English): a common word dressed up with digits
and signs ("Kommune2024!", "Sommer2024!!", "Velkommen123"), and a short pattern repeated
("amr-amr-amr-")."""

import re
import unicodedata
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Words that guessing lists for Danish workplaces start with (our own list): the seasons,
# months and days, greetings, the workplace, places, pets and sports, and words for password.
DANISH_WORDS = frozenset(
    """
adgang adgangskode kodeord password passord hemmelig hemmeligt login bruger brugernavn
velkommen hej hejsa goddag godmorgen tak kaerlighed elsker kaereste skat
sommer vinter foraar efteraar jul julen paaske nytaar ferie sommerferie vinterferie
januar februar marts april maj juni juli august september oktober november december
mandag tirsdag onsdag torsdag fredag loerdag soendag weekend
kommune kommunen region staten borger borgere arbejde arbejdet kontor job trivsel medarbejder
leder chef personale skole boernehave vuggestue plejehjem hjemmepleje sygehus hospital
danmark dansk denmark kobenhavn koebenhavn aarhus odense aalborg esbjerg randers kolding
horsens vejle roskilde herning silkeborg naestved fredericia viborg koege holstebro slagelse
hilleroed svendborg sonderborg soenderborg hjoerring holbaek frederikshavn noerresundby
ringsted haderslev skive albertslund glostrup ballerup gentofte lyngby soeby
hund hunden kat katten hest fodbold haandbold golf fisk mor far mormor farmor morfar farfar
familie boern solskin regnbue blomst rose prinsesse prins kongen dronning
qwerty asdfgh qwertz abc abcd abcdef
""".split()  # noqa: SIM905 (a list to read, not to count quotes in)
)


def _folded(text: str) -> str:
    """Lower case with æ, ø, å written out (ae, oe, aa) and other accents dropped."""
    text = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


class DanishCommonPasswordValidator:
    """Refuses a password that is a common word (Danish or Django's list) with only digits
    and signs around it, or that has fewer than MIN_DISTINCT different characters."""

    MIN_DISTINCT = 6

    def __init__(self) -> None:
        self.common = CommonPasswordValidator().passwords | DANISH_WORDS

    def validate(self, password: str, user: Any = None) -> None:
        if len(set(password.lower())) < self.MIN_DISTINCT:
            raise ValidationError(
                _("This password repeats too few different characters."),
                code="password_too_repetitive",
            )
        letters = re.sub(r"[^a-z]", "", _folded(password))
        words = [part for part in re.split(r"[^a-z]+", _folded(password)) if part]
        if letters in self.common or (len(words) == 1 and words[0] in self.common):
            raise ValidationError(
                _(
                    "This password is a common word with digits or signs added, which is "
                    "among the first things guessed."
                ),
                code="password_too_common",
            )

    def get_help_text(self) -> str:
        return _("Your password can't be a common word with digits or signs added.")
