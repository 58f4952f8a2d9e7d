namespace Escala.Governance;

/// <summary>An adaptive limit as <c>/v1/resources</c> and the metrics show it.</summary>
/// <param name="Current">The limit admission applies now, cluster-wide.</param>
/// <param name="Algorithm">The algorithm's name: <see cref="Aimd"/>.</param>
/// <param name="Latency">The median latency of this node's last round trip; null before the first.</param>
/// <param name="NoLoadLatency">This node's no-load latency estimate; null before the first round trip.</param>
public sealed record AdaptiveLimitView(int Current, int Min, int Max, string Algorithm, TimeSpan? Latency, TimeSpan? NoLoadLatency)
{
    /// <summary>Additive increase, multiplicative decrease on latency, timeouts and 429s (<see cref="AdaptiveLimiter"/>).</summary>
    public const string Aimd = "aimd";
}
