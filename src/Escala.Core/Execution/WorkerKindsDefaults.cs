namespace Escala.Execution;

/// <summary>The timings of <see cref="WorkerKinds"/>.</summary>
public static class WorkerKindsDefaults
{
    /// <summary>Least time between two records of the same queue and kind by this node (30 s): lease calls stay free of writes.</summary>
    public static readonly TimeSpan RecordInterval = TimeSpan.FromSeconds(30);

    /// <summary>A kind counts as served while some worker asked for it within this long (5 minutes).</summary>
    public static readonly TimeSpan ServedWithin = TimeSpan.FromMinutes(5);
}
