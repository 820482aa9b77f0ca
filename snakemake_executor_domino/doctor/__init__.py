"""`snakemake-domino doctor`: checks of a Domino deployment, and the canary job."""
