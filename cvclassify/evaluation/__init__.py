"""Measuring models on data they did not train on: ranking and selection metrics (``metrics``), what an
officer sees (``quality``), held-out and cross-validated evaluation of a version (``evaluate``) and the
written report (``report``)."""
