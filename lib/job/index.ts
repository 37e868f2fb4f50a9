// Jobs and the local runner: defineJob, runJob.
export {};
