namespace Escala.Execution.Attempts;

/// <summary>The answer to a progress report.</summary>
/// <param name="Held">False when the lease is no longer held (nothing was stored).</param>
/// <param name="CancelRequested">A user asked to cancel the job: the worker should stop and report it cancelled.</param>
public sealed record ProgressReport(bool Held, bool CancelRequested);
