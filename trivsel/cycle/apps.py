from django.apps import AppConfig


class CycleConfig(AppConfig):
    """Running a measurement through its cycle: the state machine that moves it from draft
    to released (opening starts the collection in the survey app; closing ends it and
    starts the results build), the clock (`manage.py advance_measurements`) and HR's
    measurement pages. It sits above the survey and the results, which it drives; the
    measurements app below holds only what a measurement is."""

    name = "trivsel.cycle"
