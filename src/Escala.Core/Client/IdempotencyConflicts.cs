using System.Text.Json;
using Escala.Jobs;
using Escala.Storage;

namespace Escala.Client;

/// <summary>
/// An idempotency key names one request: reused with another body (kind, queue, args, priority, attempts,
/// resources, timeout or backoff) it is a 409 conflict, as at Stripe, not a silent 200 with the first job.
/// The comparison is against the stored job, so it holds across nodes and restarts without a stored hash.
/// </summary>
public static class IdempotencyConflicts
{
    /// <summary>Throws a <see cref="JobRequestFault.Conflict"/> (HTTP 409) naming every entry whose key exists with another body.</summary>
    public static void ThrowIfAny(IReadOnlyList<NewJob> jobs, IReadOnlyList<InsertResult> results, string fieldPrefix)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(results);
        Dictionary<string, string[]>? errors = null;
        for (var i = 0; i < jobs.Count && i < results.Count; i++)
        {
            if (!results[i].Created && jobs[i].IdempotencyKey is not null && !Same(jobs[i], results[i].Job))
            {
                Add(ref errors, fieldPrefix, i, results[i].Job);
            }
        }

        ThrowIf(errors);
    }

    /// <summary>
    /// Before a batch is inserted: throws the same 409 when an entry's key is already stored with another body, so a
    /// refused batch writes nothing (the validator refuses a key used twice in one batch). The check after the insert
    /// still catches a key stored by another request in between.
    /// </summary>
    public static async Task ThrowIfAnyBeforeAsync(IReadOnlyList<NewJob> jobs, Func<string, Task<Job?>> stored, string fieldPrefix)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(stored);
        Dictionary<string, string[]>? errors = null;
        for (var i = 0; i < jobs.Count; i++)
        {
            if (jobs[i].IdempotencyKey is { } key && await stored(key) is { } existing && !Same(jobs[i], existing))
            {
                Add(ref errors, fieldPrefix, i, existing);
            }
        }

        ThrowIf(errors);
    }

    private static void Add(ref Dictionary<string, string[]>? errors, string fieldPrefix, int index, Job existing)
    {
        errors ??= new Dictionary<string, string[]>(StringComparer.Ordinal);
        errors[(fieldPrefix.Length == 0 ? "" : $"{fieldPrefix}[{index}].") + "idempotencyKey"] =
            [$"Job {existing.Id} already has this idempotency key with a different body."];
    }

    private static void ThrowIf(Dictionary<string, string[]>? errors)
    {
        if (errors is not null)
        {
            throw new JobValidationException(JobRequestFault.Conflict, "Idempotency key reused", errors);
        }
    }

    public static bool Same(NewJob request, Job stored) =>
        request.Kind == stored.Kind && request.Queue == stored.Queue && request.Priority == stored.Priority
        && request.MaxAttempts == stored.MaxAttempts && request.Timeout == stored.Timeout && request.Backoff == stored.Backoff
        && request.Resources.SequenceEqual(stored.Resources, StringComparer.Ordinal) && SameJson(request.Args, stored.Args);

    private static bool SameJson(string a, string b)
    {
        if (a == b)
        {
            return true;
        }

        try
        {
            using var left = JsonDocument.Parse(a);
            using var right = JsonDocument.Parse(b);
            return JsonElement.DeepEquals(left.RootElement, right.RootElement);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
