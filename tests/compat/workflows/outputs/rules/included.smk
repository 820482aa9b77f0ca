rule included:
    output:
        "included/out.txt",
    shell:
        "echo included > {output}"
