from django.core.management.base import BaseCommand

from catalog.setup import ensure_database


class Command(BaseCommand):
    help = "Create, migrate and seed the demo database (idempotent)."

    def handle(self, *args, **options):
        changed = ensure_database()
        self.stdout.write("demo database %s" % ("created" if changed else "already up to date"))
