using Escala.Jobs;

namespace Escala.Execution.Attempts;

/// <summary>A job leased by a worker with the time limits of this attempt.</summary>
public sealed record LeasedAttempt(Job Job, AttemptDeadlines Deadlines);
