"""``POST @correct-registration``: a clerk's logged correction."""
