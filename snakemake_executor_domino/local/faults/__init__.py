"""Fault injection: what a real deployment does to its clients, on demand (injector.py),
the spec and its text form (spec.py), the misbehaviour on the wire (wire.py) and the kill
fault's hooks (kill.py)."""
