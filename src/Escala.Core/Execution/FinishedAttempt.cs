using Escala.Execution.Attempts;
using Escala.Jobs;
using Escala.Storage;

namespace Escala.Execution;

/// <summary>An in-process attempt's outcome on its way to the store.</summary>
/// <param name="Failure">What went wrong, for a failed outcome.</param>
/// <param name="Elapsed">How long the attempt ran on this node.</param>
internal sealed record FinishedAttempt(Job Job, JobOutcome Outcome, AttemptFailure? Failure, TimeSpan Elapsed)
{
    public Completion Completion => new(Job.Lease, Outcome);
}
