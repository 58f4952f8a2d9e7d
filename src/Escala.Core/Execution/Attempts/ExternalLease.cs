using Escala.Configuration;

namespace Escala.Execution.Attempts;

/// <summary>One lease call of an external worker.</summary>
/// <param name="Queues">The queues to lease from, in the order given.</param>
/// <param name="Kinds">Only these kinds; null for every kind.</param>
/// <param name="Max">Most jobs to lease.</param>
/// <param name="Wait">How long to wait for a job when none is available (long poll).</param>
/// <param name="Holder">Who holds the leases (<c>worker:NAME</c>).</param>
/// <param name="Tenant">Only this tenant's jobs (a worker's API key); null for every tenant (open mode).</param>
public sealed record ExternalLease(IReadOnlyList<QueueSettings> Queues, IReadOnlyList<string>? Kinds, int Max, TimeSpan Wait, string Holder, string? Tenant = null);
