"""Turn the suites' measurements into the Markdown tables `run.py` prints."""

from __future__ import annotations

from typing import Any

# API calls in the order a job needs them, with what they are for
CALLS = [
    ("list_commits", "newest commit (v4 head or v1 list, before a submission)"),
    ("list_files", "list files (push check, pull index)"),
    ("upload_file", "upload file"),
    ("start_job", "start job"),
    ("name_job", "name job (5.0: a start takes no title)"),
    ("list_jobs", "list jobs (poll)"),
    ("get_job", "get job (poll fallback)"),
    ("download_file", "download file (pull)"),
    ("runtime_details", "runtime details (run record: tier, environment)"),
    ("job_usage", "usage samples (run record, where the job's answer has none)"),
    ("setup", "version, project, tiers (once per run)"),
    ("other", "anything else"),
]
SETUP_CALLS = ("version", "find_project", "hardware_tiers")


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def overhead(results: dict[str, Any]) -> str:
    rows = []
    sizes = sorted(results.values(), key=lambda r: r["n"])
    for r in sizes:
        n, local, domino = r["n"], r["local"], r["domino"]
        rows.append([
            str(n),
            f"{local['wall']:.1f}",
            f"{domino['wall']:.1f}",
            f"{domino['wall'] / local['wall']:.1f}x",
            f"{r['server_span']:.1f}",
            f"{domino['wall'] - r['server_span']:.1f}",
            f"{1000 * local['cpu'] / n:.1f}",
            f"{1000 * domino['cpu'] / n:.1f}",
            f"{domino['cpu'] / local['cpu']:.2f}x",
            f"{1000 * r['plugin_cpu'] / n:.1f}",
            f"{1000 * r['server_cpu'] / n:.1f}",
        ])
    text = table(
        ["N jobs", "local wall s", "Domino wall s", "Domino/local wall", "server busy s",
         "executor-added wall s", "local: Snakemake CPU ms/job",
         "Domino: Snakemake CPU ms/job", "Domino/local CPU", "of which the plugin, ms/job",
         "server CPU ms/job"],
        rows,
    )
    if len(sizes) >= 2:
        a, b = sizes[0], sizes[-1]

        def growth(per_n: Any) -> str:
            return f"{(per_n(b) / b['n']) / (per_n(a) / a['n']):.2f}x"

        text += (
            f"\n\nPer-job growth from N={a['n']} to N={b['n']} (1.00x = flat): wall per job: "
            f"local {growth(lambda r: r['local']['wall'])}, "
            f"Domino {growth(lambda r: r['domino']['wall'])}; Snakemake CPU per job: local "
            f"{growth(lambda r: r['local']['cpu'])}, Domino "
            f"{growth(lambda r: r['domino']['cpu'])}, the plugin's part "
            f"{growth(lambda r: r['plugin_cpu'])}."
        )
    return text


def api_per_job(results: dict[str, Any]) -> str:
    sizes = sorted(results.values(), key=lambda r: r["n"])
    header = ["API call"] + [f"per job, N={r['n']}" for r in sizes]
    rows = []
    for call, label in CALLS:
        cells = []
        for r in sizes:
            req = r["requests"]
            if call == "setup":
                count = sum(req.get(c, {}).get("requests", 0) for c in SETUP_CALLS)
            elif call == "other":
                named = {c for c, _ in CALLS} | set(SETUP_CALLS)
                count = sum(v.get("requests", 0) for c, v in req.items() if c not in named)
            else:
                count = req.get(call, {}).get("requests", 0)
            cells.append(f"{count / r['n']:.2f}")
        rows.append([label] + cells)
    rows.append(["**all requests**"] + [
        f"**{sum(c['requests'] for c in r['requests'].values()) / r['n']:.2f}**" for r in sizes
    ])
    rows.append(["response KiB per job"] + [
        f"{sum(c['bytes_out'] for c in r['requests'].values()) / 1024 / r['n']:.1f}"
        for r in sizes
    ])
    rows.append(["poll requests per polling cycle"] + [
        _per_cycle(r) for r in sizes
    ])
    return table(header, rows)


def _per_cycle(r: dict[str, Any]) -> str:
    cycles = r["poll_cycles"]
    polls = sum(r["requests"].get(c, {}).get("requests", 0) for c in ("list_jobs", "get_job"))
    return f"{polls / cycles:.2f} ({cycles} cycles)" if cycles else "n/a"


def polling(results: dict[str, Any]) -> str:
    rows = []
    items = sorted(results.values(), key=lambda r: r["active"])
    base = items[0]
    for r in items:
        rows.append([
            str(r["active"]), f"{r['requests_per_cycle']:.2f}",
            f"{r['requests_per_cycle'] / base['requests_per_cycle']:.2f}x",
            f"{r['bytes_per_cycle'] / 1024:.1f}", f"{r['cpu_ms_per_cycle']:.2f}",
        ])
    return table(
        ["active jobs", "requests per cycle", f"vs. {base['active']} active",
         "response KiB per cycle", "poller CPU ms per cycle"],
        rows,
    )


def transfer(results: dict[str, Any]) -> str:
    rows = []
    for r in sorted(results.values(), key=lambda r: r["mib"]):
        size = f"{r['mib'] / 1024:g} GiB" if r["mib"] >= 1024 else f"{r['mib']} MiB"
        has_curl = "curl_mib_s" in r
        rows.append([
            size,
            f"{r['curl_mib_s']:.0f} ({r['curl_best_mib_s']:.0f})" if has_curl else "no curl",
            f"{r['plugin_mib_s']:.0f} ({r['plugin_best_mib_s']:.0f})",
            f"{r['ratio']:.2f} ({r['best_ratio']:.2f})" if has_curl else "n/a",
            f"{r['plugin_hwm_before_mib']:.0f} -> {r['plugin_hwm_mib']:.0f}",
        ])
    runs = len(next(iter(results.values()))["plugin_runs_s"]) if results else 0
    return table(
        ["file", "curl MiB/s", "plugin MiB/s", "plugin/curl (target >= 0.9)",
         "pulling process peak RSS MiB, before -> after the pull (target < 150)"],
        rows,
    ) + f"\n\nMedian (best) of {runs} alternating runs each."


def uploads(results: dict[str, Any]) -> str:
    rows = [
        [run["label"], str(run["jobs"]), str(run["puts"]), f"{run['bytes']:,}"]
        for run in results["runs"]
    ]
    note = (f"{results['files']} input files of {results['file_bytes']:,} bytes, one Domino "
            "job each; counted at the server.\n\n")
    return note + table(["run", "Domino jobs", "PUT requests", "bytes uploaded"], rows)


def pipeline(results: dict[str, Any]) -> str:
    local, domino = results["local"], results["domino"]

    def share(parts: dict[str, float], key: str) -> str:
        value = parts.get(key)
        if value is None:
            return "-"
        return f"{value:.1f} s ({100 * value / parts['wall']:.0f}%)"

    rows = [
        ["local executor", f"{local['wall']:.1f}", share(local, "fit"),
         share(local, "other_scripts"), "-", "-", share(local, "snakemake")],
        ["Domino executor", f"{domino['wall']:.1f}", share(domino, "fit"),
         share(domino, "other_scripts"), share(domino, "snakemake_in_jobs"),
         share(domino, "platform"), share(domino, "executor")],
    ]
    text = table(
        ["run", "wall s", "model fitting", "other steps' scripts", "Snakemake inside jobs",
         "Domino platform (queue, files, commit)", "executor / Snakemake itself"],
        rows,
    )
    return text + (f"\n\nDomino/local wall: {domino['wall'] / local['wall']:.1f}x "
                   f"({results['jobs']} Domino jobs, {results['fit_jobs']} of them fits).")
