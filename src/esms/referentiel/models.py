"""Référentiel models. Primary keys are the official codes (INSEE, FINESS) so that imports work set-based."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=2, primary_key=True)
    nom = models.CharField(max_length=100)
    est_corse = models.BooleanField(default=False)
    est_outre_mer = models.BooleanField("outre-mer", default=False)

    class Meta:
        ordering = ["nom"]
        verbose_name = "région"

    def __str__(self) -> str:
        return self.nom


class Departement(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    # FINESS writes overseas départements 9A…9F (971 → 9A, …); the two-character prefix of FINESS numbers.
    code_finess = models.CharField("code FINESS", max_length=2, unique=True)
    nom = models.CharField(max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")
    est_corse = models.BooleanField(default=False)
    est_outre_mer = models.BooleanField("outre-mer", default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = "département"

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"


class Commune(models.Model):
    code_insee = models.CharField(max_length=5, primary_key=True)
    nom = models.CharField(max_length=200)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    codes_postaux = models.CharField(max_length=200, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.nom


class Categorie(models.Model):
    """FINESS establishment category with its aggregates and the programme's eligibility and sector."""

    code = models.CharField(max_length=4, primary_key=True)
    libelle = models.CharField("libellé", max_length=200)
    libelle_court = models.CharField("libellé court", max_length=100, blank=True)
    domaine = models.CharField(max_length=3, blank=True, help_text="SAN (sanitaire) ou SOC (social et médico-social)")
    code_agr3 = models.CharField(max_length=4, blank=True)
    libelle_agr3 = models.CharField(max_length=200, blank=True)
    code_agr2 = models.CharField(max_length=4, blank=True)
    libelle_agr2 = models.CharField(max_length=200, blank=True)
    code_agr1 = models.CharField(max_length=4, blank=True)
    libelle_agr1 = models.CharField(max_length=200, blank=True)
    date_fin = models.DateField(null=True, blank=True)
    eligible = models.BooleanField("éligible (art. L.312-1 CASF)", default=False)
    secteur = models.CharField(max_length=30, default="autre", db_index=True)
    motif_eligibilite = models.TextField("motif d'éligibilité", blank=True)
    source_eligibilite = models.TextField("source de la règle d'éligibilité", blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "catégorie FINESS"
        verbose_name_plural = "catégories FINESS"

    def __str__(self) -> str:
        return f"{self.code} – {self.libelle}"


class StatutJuridique(models.Model):
    code = models.CharField(max_length=4, primary_key=True)
    libelle = models.CharField("libellé", max_length=200)
    code_agr2 = models.CharField(max_length=4, blank=True)
    libelle_agr2 = models.CharField(max_length=200, blank=True)
    code_agr1 = models.CharField(max_length=4, blank=True)
    libelle_agr1 = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "statut juridique"

    def __str__(self) -> str:
        return f"{self.code} – {self.libelle}"


class ImportFiness(models.Model):
    """One run of the FINESS importer, with its counts; listed in the UI."""

    class Statut(models.TextChoices):
        EN_COURS = "en_cours", "En cours"
        A_CONFIRMER = "a_confirmer", "À confirmer"
        REUSSI = "reussi", "Réussi"
        ECHOUE = "echoue", "Échoué"
        ANNULE = "annule", "Annulé"

    class Nature(models.TextChoices):
        INSTANTANE = "instantane", "Instantané (extraction complète : ferme les absents)"
        FLUX = "flux", "Flux quotidien (n'applique que ses changements)"

    fichier = models.CharField(max_length=500)
    # "et" / "ej" (Etalab CSV) or "plus" (FINESS+ Structures JSON).
    type_fichier = models.CharField(max_length=20, default="et")
    nature = models.CharField(max_length=12, choices=Nature.choices, default=Nature.INSTANTANE)
    # Where the file was read from (kept for a held import, applied on confirmation) and where it was downloaded.
    chemin_fichier = models.CharField(max_length=500, blank=True)
    url_source = models.CharField("adresse de téléchargement", max_length=500, blank=True)
    # Held import: why, and what it would do (counts by region and category, first rows).
    motif_attente = models.TextField("motif de la mise en attente", blank=True)
    apercu = models.JSONField("aperçu", default=dict, blank=True)
    confirme_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    confirme_le = models.DateTimeField(null=True, blank=True)
    annule_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    annule_le = models.DateTimeField(null=True, blank=True)
    date_extraction = models.DateField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    statut = models.CharField(max_length=12, choices=Statut.choices, default=Statut.EN_COURS)
    nb_lignes = models.PositiveIntegerField(default=0)
    nb_crees = models.PositiveIntegerField("créés", default=0)
    nb_modifies = models.PositiveIntegerField("modifiés", default=0)
    nb_fermes = models.PositiveIntegerField("fermés", default=0)
    nb_rejetes = models.PositiveIntegerField("rejetés", default=0)
    duree_secondes = models.FloatField(null=True, blank=True)
    erreur = models.TextField(blank=True)
    rapport_rejets = models.CharField(max_length=500, blank=True)
    # Free-form figures of the run (organismes created/updated/stubs, encoding, metadata count…).
    details = models.JSONField("détails", default=dict, blank=True)
    acteur = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    demarre_le = models.DateTimeField(auto_now_add=True)
    termine_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-demarre_le"]
        verbose_name = "import FINESS"
        verbose_name_plural = "imports FINESS"

    def __str__(self) -> str:
        return f"Import {self.fichier} ({self.demarre_le:%d/%m/%Y %H:%M})"


class OrganismeGestionnaire(models.Model):
    """FINESS juridique (EJ). Created as a stub from the ET file when no EJ file was imported."""

    finess_ej = models.CharField("FINESS juridique", max_length=9, primary_key=True)
    raison_sociale = models.CharField(max_length=200, blank=True)
    raison_sociale_longue = models.CharField(max_length=300, blank=True)
    siren = models.CharField(max_length=9, blank=True)
    statut_juridique = models.ForeignKey(StatutJuridique, null=True, blank=True, on_delete=models.PROTECT)
    adresse = models.CharField(max_length=300, blank=True)
    ligne_acheminement = models.CharField(max_length=100, blank=True)
    departement = models.ForeignKey(Departement, null=True, blank=True, on_delete=models.PROTECT)
    code_commune = models.CharField("code commune INSEE", max_length=5, blank=True)
    telephone = models.CharField("téléphone", max_length=20, blank=True)
    code_ape = models.CharField(max_length=6, blank=True)
    date_creation = models.DateField("date de création", null=True, blank=True)
    nom_recherche = models.CharField(max_length=300, blank=True, db_index=True)
    # Empty for a stub created from an ET line (no EJ file imported yet).
    empreinte = models.CharField(max_length=32, blank=True)
    # FINESS+ only: state A/I, closing date, and the flow's internal id (what GCC/GCO groups refer to).
    ouvert = models.BooleanField(default=True)
    date_fermeture = models.DateField("date de fermeture", null=True, blank=True)
    pm_smsse_id = models.CharField("identifiant FINESS+ (pmSmsseId)", max_length=20, blank=True)
    dernier_import = models.ForeignKey(ImportFiness, null=True, blank=True, on_delete=models.SET_NULL,
                                       db_index=False, related_name="+")

    class Meta:
        ordering = ["finess_ej"]
        verbose_name = "organisme gestionnaire"

    def __str__(self) -> str:
        return f"{self.nom} ({self.finess_ej})"

    @property
    def nom(self) -> str:
        """The name to show; says plainly when FINESS has not given it yet (stub from an ET line)."""
        return self.raison_sociale or "Nom inconnu (aucun fichier des entités juridiques importé)"

    @property
    def est_ebauche(self) -> bool:
        """True for an EJ known only through the ET file (no EJ file imported for it)."""
        return not self.empreinte


class Etablissement(models.Model):
    """FINESS établissement (ET): one ESSMS or health establishment. Never deleted, closed instead."""

    finess_et = models.CharField("FINESS géographique", max_length=9, primary_key=True)
    # Indexes: the FK columns are indexed through the composite indexes of Meta (no redundant single-column
    # and `varchar_pattern_ops` copies: every index slows the national import down).
    organisme = models.ForeignKey(
        OrganismeGestionnaire, on_delete=models.PROTECT, related_name="etablissements", db_column="finess_ej",
        db_index=False,
    )
    raison_sociale = models.CharField(max_length=200)
    raison_sociale_longue = models.CharField(max_length=300, blank=True)
    complement_raison_sociale = models.CharField(max_length=200, blank=True)
    complement_distribution = models.CharField(max_length=200, blank=True)
    numero_voie = models.CharField(max_length=10, blank=True)
    type_voie = models.CharField(max_length=10, blank=True)
    voie = models.CharField(max_length=100, blank=True)
    complement_voie = models.CharField(max_length=5, blank=True)
    lieu_dit_bp = models.CharField(max_length=100, blank=True)
    code_commune = models.CharField("code commune INSEE", max_length=5, blank=True)
    ligne_acheminement = models.CharField(max_length=100, blank=True)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="etablissements",
                                    db_index=False)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="etablissements", db_index=False)
    categorie = models.ForeignKey(Categorie, on_delete=models.PROTECT, related_name="etablissements", db_index=False)
    telephone = models.CharField(max_length=20, blank=True)
    telecopie = models.CharField("télécopie", max_length=20, blank=True)
    siret = models.CharField(max_length=14, blank=True)
    code_ape = models.CharField(max_length=6, blank=True)
    code_mft = models.CharField("mode de fixation des tarifs", max_length=4, blank=True)
    libelle_mft = models.CharField("libellé du mode de fixation des tarifs", max_length=200, blank=True)
    code_sph = models.CharField("service public hospitalier", max_length=4, blank=True)
    libelle_sph = models.CharField("libellé SPH", max_length=200, blank=True)
    numero_uai = models.CharField("numéro UAI", max_length=10, blank=True)
    date_ouverture = models.DateField(null=True, blank=True)
    date_autorisation = models.DateField(null=True, blank=True)
    date_maj_finess = models.DateField(null=True, blank=True)
    coord_x = models.FloatField(null=True, blank=True)
    coord_y = models.FloatField(null=True, blank=True)
    source_coordonnees = models.CharField(max_length=200, blank=True)
    date_maj_coordonnees = models.DateField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    ouvert = models.BooleanField(default=True)
    ferme_le = models.DateField(null=True, blank=True)
    nom_recherche = models.CharField(max_length=300, blank=True)
    # FINESS+ events of the establishment (creation, opening, closing…), as compact JSON text.
    evenements = models.TextField("événements FINESS+", blank=True)
    # Hash of every imported field: an unchanged line is recognised without comparing field by field.
    empreinte = models.CharField(max_length=32, blank=True)
    # Last import that created or changed this row (unchanged rows keep the previous one).
    dernier_import = models.ForeignKey(ImportFiness, null=True, blank=True, on_delete=models.SET_NULL, db_index=False)
    # Qualification by an ARS agent or a national admin: overrides the category's sector. Never touched by imports.
    secteur_qualifie = models.CharField("secteur qualifié", max_length=30, blank=True)
    motif_qualification = models.TextField("motif de la qualification", blank=True)
    qualifie_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", db_index=False)
    qualifie_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["finess_et"]
        verbose_name = "établissement"
        indexes = [
            models.Index(fields=["departement", "categorie"]),
            models.Index(fields=["region", "categorie"]),
            models.Index(fields=["code_commune"]),
            models.Index(fields=["nom_recherche", "finess_et"], name="ref_et_nom_idx"),
            models.Index(fields=["categorie", "nom_recherche"], name="ref_et_categorie_nom_idx"),
            models.Index(fields=["organisme"], name="ref_et_organisme_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.raison_sociale} ({self.finess_et})"

    @property
    def secteur(self) -> str:
        """The effective sector: the qualified one when an agent set it, else the category's."""
        return self.secteur_qualifie or self.categorie.secteur


class ChangementFiness(models.Model):
    """What one import changed on one establishment or organisme: one row per field (before, after, as JSON).

    Written in bulk by the importer for every updated or closed row (rows it created have none: they carry the
    import in `dernier_import`). Rolling an import back writes the `avant` values back and deletes its new rows.
    A GCC/GCO group it created or changed has one row (champ « groupe ») holding its whole state before (`null`
    when created) and after, members included (`importer.groupes`).
    """

    class Objet(models.TextChoices):
        ETABLISSEMENT = "et", "Établissement"
        ORGANISME = "ej", "Organisme gestionnaire"
        GROUPE = "gr", "Groupe FINESS (GCC/GCO)"

    import_finess = models.ForeignKey(ImportFiness, on_delete=models.CASCADE, related_name="changements")
    objet = models.CharField(max_length=2, choices=Objet.choices)
    # FINESS number, or a group's identifiant (« GCC-<gccId> », « GCO-<pmSmsseId> »).
    cle = models.CharField("numéro FINESS ou identifiant du groupe", max_length=30)
    champ = models.CharField(max_length=40)
    avant = models.TextField(blank=True)  # JSON text ("null" when empty)
    apres = models.TextField(blank=True)

    class Meta:
        verbose_name = "changement FINESS"
        indexes = [models.Index(fields=["objet", "cle"], name="ref_chgt_objet_cle_idx"),
                   models.Index(fields=["import_finess", "objet"], name="ref_chgt_import_idx")]

    def __str__(self) -> str:
        return f"{self.cle}.{self.champ} (import {self.import_finess_id})"


class GroupeFiness(models.Model):
    """A FINESS+ group: GCC (groupement de coopération) or GCO, with its members (`MembreGroupe`)."""

    identifiant = models.CharField(max_length=30, primary_key=True)  # "GCC-<gccId>" or "GCO-<pmSmsseId>"
    type_groupe = models.CharField(max_length=3)  # GCC or GCO
    nom = models.CharField(max_length=300, blank=True)
    code_type = models.CharField(max_length=10, blank=True)
    identifiant_externe = models.CharField(max_length=50, blank=True)
    pm_smsse_id = models.CharField(max_length=20, blank=True)  # GCO: the group's own legal entity
    ouvert = models.BooleanField(default=True)
    dernier_import = models.ForeignKey(ImportFiness, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")

    class Meta:
        ordering = ["type_groupe", "nom"]
        verbose_name = "groupe FINESS"

    def __str__(self) -> str:
        return f"{self.type_groupe} {self.nom or self.identifiant}"


class MembreGroupe(models.Model):
    groupe = models.ForeignKey(GroupeFiness, on_delete=models.CASCADE, related_name="membres")
    pm_smsse_id = models.CharField(max_length=20, blank=True, db_index=True)
    ege_id = models.CharField(max_length=20, blank=True)
    role = models.CharField(max_length=2, blank=True)  # M (membre) / S (siège)…

    class Meta:
        verbose_name = "membre d'un groupe FINESS"

    def __str__(self) -> str:
        return f"{self.groupe_id} ← {self.pm_smsse_id or self.ege_id}"
