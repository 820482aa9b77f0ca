import sys

sys.path.insert(0, "lib")
from util import shout  # noqa: E402

job = globals()["snakemake"]  # set by Snakemake's script directive
with open(job.output[0], "w") as out:
    out.write(shout(job.wildcards.sample))
