namespace Escala.Server.Dashboard;

/// <summary>This node's job activity during one step of the stats window.</summary>
/// <param name="At">Start of the step.</param>
/// <param name="Failed">Attempts that failed (retried or dead).</param>
/// <param name="LatencyAvgMs">Mean attempt duration; null when no attempt ended in the step.</param>
/// <param name="LatencyP95Ms">95th percentile of attempt durations (upper bound of its histogram bin).</param>
public sealed record StatsPoint(DateTimeOffset At, long Submitted, long Completed, long Failed, double? LatencyAvgMs, double? LatencyP95Ms, double? LatencyMaxMs);
