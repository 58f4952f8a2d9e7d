using Escala.Jobs;

namespace Escala.Workloads.Http;

/// <summary>
/// The headers the <c>http</c> kind adds to every call so the callee knows which job and attempt calls it:
/// <c>Escala-Job-Id</c>, <c>Escala-Attempt</c> and <c>Idempotency-Key</c> (stable across attempts).
/// </summary>
public static class CallerHeaders
{
    /// <summary>The job's id.</summary>
    public const string JobId = "Escala-Job-Id";

    /// <summary>This attempt's number, from 1.</summary>
    public const string Attempt = "Escala-Attempt";

    /// <summary>The job's idempotency key, or <c>escala-job-{id}</c> when it was submitted without one.</summary>
    public const string IdempotencyKey = "Idempotency-Key";

    /// <summary>Adds the three headers, unless the job's own <c>headers</c> already set one of the same name.</summary>
    public static void Add(HttpRequestMessage request, Job job)
    {
        AddUnlessSet(request, JobId, job.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        AddUnlessSet(request, Attempt, job.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
        AddUnlessSet(request, IdempotencyKey, job.IdempotencyKey ?? $"escala-job-{job.Id}");
    }

    private static void AddUnlessSet(HttpRequestMessage request, string name, string value)
    {
        if (!request.Headers.Contains(name))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }
}
