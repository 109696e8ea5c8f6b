"""How documents move: local roles, transitions, assignments, history."""
