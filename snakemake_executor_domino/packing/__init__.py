"""Packing: many Snakemake jobs in one Domino job, so short jobs do not each pay a pod start.

policy.py decides whether and how much to pack, grouping.py splits ready jobs into packs,
member_runner.py runs a pack's members inside its Domino job, member_status.py reads what
they left, and packer.py conducts it for the executor (docs/packing.md).
"""
