"""One classifier shared by 8 threads gives exactly the single-threaded suggestions."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

TEXTS = [
    "Ateliers sociolinguistiques pour des mamans primo-arrivantes, cours de français le matin",
    "Agents de tranquillité dans les halls et les parkings la nuit",
    "Licences de football et entraînements au stade pour tous les habitants",
    "Former les membres du conseil citoyen avant le comité de pilotage",
    "Lieu d'accueil enfants-parents et café des parents à l'école maternelle",
    "Permanence CitésLab pour les habitants qui veulent créer leur entreprise",
    "Chantier d'insertion de rénovation des cages d'escalier avec des jeunes du quartier",
    "Accompagnement à la scolarité des collégiens de Borny le soir",
    "Médiation santé : ouverture des droits à la complémentaire santé solidaire",
    "Jardins partagés au pied des immeubles et fête de quartier",
    "Prévention de la radicalisation : formation des animateurs",
    "Permis de conduire solidaire pour les demandeurs d'emploi",
]


def test_eight_threads_get_the_single_threaded_results(model_dir):
    from cvclassify.model import Classifier

    reference = Classifier.load(model_dir)
    expected = [reference.suggest(t, k=5).to_dict() for t in TEXTS]
    shared = Classifier.load(model_dir)  # a fresh analyzer: threads really run spaCy concurrently
    assert len(shared.backend.analyzer.cache) == 0
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda t: shared.suggest(t, k=5).to_dict(), TEXTS * 4))
    assert got == expected * 4


def test_the_analysis_cache_is_bounded_in_bytes():
    from cvclassify.analysis import Analyzer

    analyzer = Analyzer(cache_bytes=200_000)
    texts = [f"atelier numéro {i} de couture et de cuisine pour les habitants du quartier" for i in range(300)]
    analyzer.analyse(texts)
    assert 0 < analyzer.cache.bytes <= 200_000
    assert len(analyzer.cache) < 300
    again = analyzer.analyse(texts[-3:])  # the most recent entries are still there, and equal
    assert [a.lemmas for a in again] == [a.lemmas for a in Analyzer().analyse(texts[-3:])]
