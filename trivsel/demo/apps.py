from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo municipality (`manage.py seed_demo`): an organisation, the item bank,
    questionnaires and measurements with answers. Above every domain app; nothing
    imports it."""

    name = "trivsel.demo"
