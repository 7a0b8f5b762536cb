"""`esms courriels`: the e-mail jobs run by cron — daily digests, and retries that are due."""

from django.core.management.base import BaseCommand

from esms.comptes import courriels


class Command(BaseCommand):
    help = ("Prépare les résumés quotidiens (--resume-quotidien, une fois par jour) et remet en file les "
            "courriels dont le nouvel essai est dû (--relancer, toutes les quelques minutes).")

    def add_arguments(self, parser):
        parser.add_argument("--resume-quotidien", action="store_true")
        parser.add_argument("--relancer", action="store_true")

    def handle(self, *args, resume_quotidien, relancer, **options):
        if resume_quotidien:
            self.stdout.write(f"{courriels.preparer_resumes_quotidiens()} résumé(s) quotidien(s) mis en file.")
        if relancer:
            self.stdout.write(f"{courriels.relancer_dus()} courriel(s) remis en file.")
        if not (resume_quotidien or relancer):
            self.stderr.write("Indiquez --resume-quotidien et/ou --relancer.")
