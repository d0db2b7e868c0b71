"""Contenders compared by bench/run.py. Each exposes ``name``, ``about``, ``fit`` and ``scores``.

A new contender is one small class: ``fit(train, taxonomy)`` learns from training proposals and the
objective tree; ``scores(texts)`` returns a (documents × leaf codes) array in ``taxonomy.leaf_ids`` order.
"""
