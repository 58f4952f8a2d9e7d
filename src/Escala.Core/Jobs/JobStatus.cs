namespace Escala.Jobs;

/// <summary>What a watcher of a job sees: no arguments, no result. Two statuses are equal when nothing a watcher shows changed.</summary>
/// <param name="UpdatedAt">The latest instant the store recorded for the job: finished, attempted, run-at or created.</param>
public sealed record JobStatus(long Id, JobState State, int Attempt, string? Progress, bool CancelRequested, DateTimeOffset UpdatedAt);
