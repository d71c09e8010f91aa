"""Fitting and measuring the model: the score weights on graded pairs (graded) or on recorded outcomes (outcomes), the
occupation title coder (coder), and the figures every fit is judged by (evaluation)."""
