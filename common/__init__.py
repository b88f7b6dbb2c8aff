"""What every app shares, below all of them: it imports Django and the standard library,
never an app of this project (tests/site/test_import_direction.py says so)."""
