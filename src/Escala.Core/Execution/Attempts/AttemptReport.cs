using Escala.Storage;

namespace Escala.Execution.Attempts;

/// <summary>How a worker's report on an attempt ended.</summary>
public enum AttemptReportStatus
{
    /// <summary>The outcome was stored.</summary>
    Applied,

    /// <summary>The job is not running under that lease token (expired, rescued, finished): nothing changed.</summary>
    NotHeld,

    /// <summary>The attempt overran its hard deadline: it was failed with <c>timeout</c> instead, and the report refused.</summary>
    Overdue,
}

/// <summary>The answer to a worker's report: whether it was applied and, if so, the outcome stored.</summary>
public sealed record AttemptReport(AttemptReportStatus Status, JobOutcome? Outcome = null)
{
    public static AttemptReport NotHeld { get; } = new(AttemptReportStatus.NotHeld);

    public static AttemptReport Overdue { get; } = new(AttemptReportStatus.Overdue);
}
