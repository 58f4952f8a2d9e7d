namespace Escala.Jobs;

/// <summary>Where a job is in its life. Each state's doc says who moves it on.</summary>
public enum JobState
{
    /// <summary>Waits for its <see cref="Job.RunAt"/>; the scheduler makes it <see cref="Available"/>.</summary>
    Scheduled = 0,

    /// <summary>Ready to run; a producer or an external worker leases it.</summary>
    Available = 1,

    /// <summary>Leased by a node or a worker; its completion, a rescue or a cancel moves it on.</summary>
    Running = 2,

    /// <summary>Failed an attempt and waits for its backoff; the scheduler makes it <see cref="Available"/>.</summary>
    Retryable = 3,

    /// <summary>Finished with success. Final; the pruner deletes it after the queue's retention.</summary>
    Completed = 4,

    /// <summary>Cancelled by a user. Final, though <c>retry</c> can make it available again.</summary>
    Cancelled = 5,

    /// <summary>Out of attempts or failed permanently. Final, though <c>retry</c> can make it available again.</summary>
    Dead = 6,

    /// <summary>
    /// A workflow step that waits for its parents (and the children they spawned); the completion of the last one
    /// makes it <see cref="Available"/>, a parent's failure <see cref="Cancelled"/> (see <c>onFailure</c>).
    /// </summary>
    Waiting = 7,
}

public static class JobStates
{
    public static bool IsFinal(this JobState state) =>
        state is JobState.Completed or JobState.Cancelled or JobState.Dead;

    /// <summary>The lower-case wire name used in the API, in metrics and in the stores.</summary>
    public static string ToWire(this JobState state) => state switch
    {
        JobState.Scheduled => "scheduled",
        JobState.Available => "available",
        JobState.Running => "running",
        JobState.Retryable => "retryable",
        JobState.Completed => "completed",
        JobState.Cancelled => "cancelled",
        JobState.Dead => "dead",
        JobState.Waiting => "waiting",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static bool TryParse(string? text, out JobState state)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.ToWire(), text, StringComparison.OrdinalIgnoreCase))
            {
                state = candidate;
                return true;
            }
        }

        state = default;
        return false;
    }

    public static IReadOnlyList<JobState> All { get; } = Enum.GetValues<JobState>();

    /// <summary>The states of a job not yet final and not waiting for workflow parents: scheduled, available, running, retryable.</summary>
    public static IReadOnlyList<JobState> Active { get; } = [.. All.Where(state => !state.IsFinal() && state != JobState.Waiting)];
}
