namespace Escala.Server.LoadTest.Measuring;

/// <summary>How one operation ended: ok or not (with a short reason), and the job's queue wait when the API showed it.</summary>
public readonly record struct Outcome(bool Ok, string? Error = null, TimeSpan? QueueWait = null)
{
    public static Outcome Success(TimeSpan? queueWait = null) => new(true, null, queueWait);

    public static Outcome Failure(string reason) => new(false, reason);
}
