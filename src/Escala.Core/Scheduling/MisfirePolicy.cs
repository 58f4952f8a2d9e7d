namespace Escala.Scheduling;

/// <summary>What a schedule does with ticks missed for longer than its misfire grace (the cluster was down).</summary>
public enum MisfirePolicy
{
    /// <summary>Drops the missed ticks: the next job is the next future tick's.</summary>
    Skip,

    /// <summary>Enqueues one job for all the missed ticks (keyed by the latest of them), then goes on.</summary>
    RunOnce,
}
