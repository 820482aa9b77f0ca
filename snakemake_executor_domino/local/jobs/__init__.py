"""How the local Domino runs a job: the runner (tier slots, lifecycle, recovery), the job's
working directory, environment, isolation (sandbox, mounts of the compute environment),
memory limits, usage, logs, and the scheduler that fires scheduled jobs."""
