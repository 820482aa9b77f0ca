from helper import repeat  # a helper module beside the script

job = globals()["snakemake"]  # set by Snakemake's script directive
text = open(job.input[0]).read()
with open(job.output[0], "w") as out:
    out.write(repeat(text, job.params.factor))
