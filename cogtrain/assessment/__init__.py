"""Assessments (kartlegging før / etter): which tests exist, checking entered scores, feedback.

Pure like :mod:`cogtrain.training`: no pygame, no database, no clock reads ("today" is an
argument). cogtrain stores the scores a neuropsychologist got from licensed tests; it does
not administer or score the tests itself.

* :mod:`~cogtrain.assessment.batteries`: the batteries as data (TOML in ``batteries/``);
* :mod:`~cogtrain.assessment.scores`: timepoints and the score form's validator;
* :mod:`~cogtrain.assessment.feedback`: a domain profile per timepoint in plain words, and
  the change from before to after training.
"""
