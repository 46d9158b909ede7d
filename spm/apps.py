from django.apps import AppConfig


class SpmConfig(AppConfig):
    """Cross-cutting plumbing: system checks, templates tags, health and API helpers."""

    name = "spm"
    verbose_name = "SPM"

    def ready(self) -> None:
        from spm import checks  # noqa: F401  (registers the system checks)
        from spm.tokens import connect

        connect()
