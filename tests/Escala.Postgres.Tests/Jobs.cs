using Escala.Governance;
using Escala.Jobs;
using Escala.Storage;

namespace Escala.Postgres.Tests;

/// <summary>Builders for the requests the tests send.</summary>
internal static class Jobs
{
    public static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static NewJob New(string queue = "default", string tenant = "t1", string? key = null, int priority = 0, params string[] resources) => new()
    {
        Tenant = tenant,
        Queue = queue,
        Kind = "noop",
        Args = """{"n":1}""",
        Priority = priority,
        MaxAttempts = 3,
        RunAt = Now,
        IdempotencyKey = key,
        Resources = resources,
    };

    public static LeaseRequest Lease(string queue, int max, string holder = "node-a", Admission? admission = null, DateTimeOffset? now = null) => new()
    {
        Queue = queue,
        Holder = holder,
        Max = max,
        Now = now ?? Now,
        LeaseFor = TimeSpan.FromMinutes(5),
        Admission = admission ?? Admission.None,
    };

    public static Admission Limit(string resource, int? concurrency, RateLimit? rate = null) => new()
    {
        Resources = new Dictionary<string, ResourceLimit>(StringComparer.Ordinal)
        {
            [resource] = new ResourceLimit(resource, concurrency, rate, BreakerGate.Closed),
        },
    };
}
