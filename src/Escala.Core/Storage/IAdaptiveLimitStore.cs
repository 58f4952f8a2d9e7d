using Escala.Governance;

namespace Escala.Storage;

/// <summary>
/// The one adaptive concurrency limit each resource with <c>concurrency: {adaptive: …}</c> has across the cluster, kept on
/// the store's resource row. Every node applies its <see cref="LimitAdjustment"/>s to it and reads it back
/// (<see cref="AdaptiveLimiter"/>). Implemented by every driver and covered by the conformance suite.
/// </summary>
public interface IAdaptiveLimitStore
{
    /// <summary>
    /// Applies <paramref name="change"/> to the resource's limit (creating it at <see cref="AdaptiveLimitChange.Initial"/>) in
    /// one statement, keeps it within min..max, and returns what the store holds now. A cut (<see cref="LimitAdjustment.Factor"/>
    /// below 1) applies only when the last cut is before <see cref="LimitAdjustment.Since"/>, and stamps it with
    /// <see cref="AdaptiveLimitChange.Now"/>. A change of nothing (add 0, factor 1) reads.
    /// </summary>
    Task<AdaptiveLimitState> AdjustConcurrencyAsync(AdaptiveLimitChange change, CancellationToken ct);
}

/// <summary>One node's change to a resource's shared adaptive limit.</summary>
public sealed record AdaptiveLimitChange(string Resource, double Initial, double Min, double Max, LimitAdjustment Adjustment, DateTimeOffset Now);

/// <summary>A resource's shared adaptive limit, when it was last cut, and the jobs needing it running now (cluster-wide).</summary>
public sealed record AdaptiveLimitState(double Limit, DateTimeOffset? LastCut, long Running);
