#!/usr/bin/python3
"""Check that the GitHub workflow runs what .ci/run runs.

Usage: check_workflow.py WORKFLOW CI_RUN PART...

PART... are the parts of `tools/check.sh --list-parts`. The workflow must
parse as YAML and have a job whose matrix `part` lists exactly those parts,
in that order, which runs in a debian:12 container and has a step that runs
`bash .ci/run ${{ matrix.part }}`; CI_RUN (.ci/run) must hand its arguments
to tools/check.sh, so that the jobs together run what .ci/run runs.
Prints each problem and exits 1 if there is one. Needs python3-yaml.
"""

import sys

import yaml

RUN_PART = "bash .ci/run ${{ matrix.part }}"
CI_RUN_LINE = 'exec tools/check.sh "$@"'


def problems(workflow, ci_run, parts):
    """Yield a line for each way WORKFLOW (parsed) or CI_RUN (text) fails
    to run exactly PARTS."""
    if CI_RUN_LINE not in ci_run.splitlines():
        yield f".ci/run has no line `{CI_RUN_LINE}`"
    jobs = workflow.get("jobs") if isinstance(workflow, dict) else None
    if not isinstance(jobs, dict):
        yield "the workflow has no jobs"
        return
    found = False
    for name, job in jobs.items():
        matrix = ((job or {}).get("strategy") or {}).get("matrix") or {}
        if "part" not in matrix:
            continue
        found = True
        if matrix["part"] != parts:
            yield (f"job {name}: matrix part is {matrix['part']}, "
                   f"tools/check.sh --list-parts is {parts}")
        container = job.get("container")
        image = container.get("image") if isinstance(container, dict) \
            else container
        if image != "debian:12":
            yield f"job {name}: container is {image!r}, not debian:12"
        runs = [step.get("run", "") for step in job.get("steps") or []]
        if not any(run.strip() == RUN_PART for run in runs):
            yield f"job {name}: no step runs `{RUN_PART}`"
    if not found:
        yield "no job has a matrix of parts"


def main(argv):
    if len(argv) < 4:
        sys.exit("usage: check_workflow.py WORKFLOW CI_RUN PART...")
    try:
        with open(argv[1], encoding="utf-8") as f:
            workflow = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as error:
        sys.exit(f"{argv[1]}: {error}")
    with open(argv[2], encoding="utf-8") as f:
        ci_run = f.read()
    bad = list(problems(workflow, ci_run, argv[3:]))
    for line in bad:
        print(f"{argv[1]}: {line}")
    if bad:
        sys.exit(1)
    print(f"{argv[1]}: one job per part, {len(argv) - 3} parts, "
          "each runs .ci/run")


if __name__ == "__main__":
    main(sys.argv)
