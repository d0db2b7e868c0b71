"""The shipped default model still does what its card says, on the held-out split it never saw.

A preprocessing change that quietly degrades the model (another lemma, a lost accent fold, a feature
block in the wrong order) fails here.
"""

from __future__ import annotations

import pytest

from cvclassify import Classifier, load_corpus
from cvclassify.corpus import ids_fingerprint, load_heldout, split_corpus


@pytest.mark.slow
def test_the_shipped_model_reaches_its_card_heldout_metrics():
    from cvclassify.training import heldout_metrics

    model = Classifier.load()
    heldout_ids = load_heldout()
    assert model.card.heldout_fingerprint == ids_fingerprint(heldout_ids), "the held-out split changed"
    _, heldout = split_corpus(load_corpus(), heldout_ids)
    measured = heldout_metrics(model, heldout)
    card = model.card.metrics["heldout"]
    assert measured["leaf"]["documents"] == card["leaf"]["documents"] == len(heldout)
    assert measured["leaf"]["P@1"] >= card["leaf"]["P@1"] - 0.01
    assert measured["leaf"]["R@3"] >= card["leaf"]["R@3"] - 0.01
    assert measured["axis"]["P@1"] >= card["axis"]["P@1"] - 0.01
