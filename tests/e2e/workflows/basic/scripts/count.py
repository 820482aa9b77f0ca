from pathlib import Path

text = Path(snakemake.input[0]).read_text()  # noqa: F821 (injected by Snakemake)
Path(snakemake.output[0]).write_text(f"{snakemake.wildcards.sample} {len(text.split())}\n")  # noqa: F821
