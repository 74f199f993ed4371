"""Staff-side rules: who may do what, passwords and PINs, participant codes, form checks.

Pure like :mod:`cogtrain.training`: no pygame, no database, no clock reads ("now" and
"today" are always arguments), so every rule is tested on its own. Screens and storage
call these functions; they never decide a permission or a validity rule themselves.
"""
