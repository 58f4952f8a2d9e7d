using Escala.Execution;
using Escala.Jobs;

namespace Escala.Workloads.Tests;

/// <summary>Builds the context the engine hands a handler, for a job leased just now.</summary>
internal static class TestJobs
{
    public static JobContext Context(string kind, string args, int attempt = 1, string? idempotencyKey = null) =>
        Context(kind, args, _ => { }, attempt, idempotencyKey);

    /// <summary>A context whose progress reports go to <paramref name="onProgress"/> (as JSON text).</summary>
    public static JobContext Context(string kind, string args, Action<string> onProgress, int attempt = 1, string? idempotencyKey = null)
    {
        var now = DateTimeOffset.UtcNow;
        var job = new Job
        {
            Id = 42,
            Tenant = "t1",
            Queue = "default",
            Kind = kind,
            Args = args,
            State = JobState.Running,
            Attempt = attempt,
            IdempotencyKey = idempotencyKey,
            MaxAttempts = 5,
            CreatedAt = now,
            RunAt = now,
            AttemptedAt = now,
            LeaseToken = "lease",
        };
        return new JobContext(job, (_, progress, _) =>
        {
            onProgress(progress);
            return Task.CompletedTask;
        });
    }
}
