using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Escala.Client.Workers;

/// <summary>The <c>/v1/workers/*</c> calls, typed. A 409 (lease no longer held) is <see cref="LeaseLostException"/>.</summary>
internal sealed class WorkerProtocol(HttpClient http)
{
    public async Task<LeaseAnswer> LeaseAsync(object body, TimeSpan wait, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(wait + TimeSpan.FromSeconds(30));
        return await PostAsync<LeaseAnswer>("/v1/workers/lease", body, timeout.Token);
    }

    public Task<HeartbeatAnswer> HeartbeatAsync(IEnumerable<LeaseItem> leases, CancellationToken ct) =>
        PostAsync<HeartbeatAnswer>("/v1/workers/heartbeat", new { leases }, ct);

    public Task<ProgressAnswer> ProgressAsync(LeasedJob job, JsonElement progress, CancellationToken ct) =>
        PostAsync<ProgressAnswer>("/v1/workers/progress", new { id = job.Id, leaseToken = job.LeaseToken, progress }, ct);

    public Task<JsonElement> PostAsync(string path, object body, CancellationToken ct) => PostAsync<JsonElement>(path, body, ct);

    private async Task<T> PostAsync<T>(string path, object body, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync(path, body, EscalaJson.Options, ct);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            throw new LeaseLostException(path);
        }

        return await EscalaClient.ReadAsync<T>(response, ct);
    }

    internal sealed record LeaseAnswer(IReadOnlyList<LeasedJob> Jobs, string? LeaseDuration, string? HeartbeatInterval);

    internal sealed record LeasedJob(long Id, string Kind, string Queue, JsonElement Args, int Attempt, int MaxAttempts, string LeaseToken,
        string? Timeout, DateTimeOffset? Deadline, DateTimeOffset? HardDeadline, string? IdempotencyKey);

    internal sealed record LeaseItem(long Id, string LeaseToken);

    internal sealed record HeartbeatAnswer(IReadOnlyList<long>? Lost, IReadOnlyList<long>? CancelRequested);

    internal sealed record ProgressAnswer(long Id, bool CancelRequested);
}

/// <summary>The server answered 409: the lease expired, was rescued, or the job finished another way.</summary>
internal sealed class LeaseLostException(string path) : Exception($"{path}: the lease is no longer held.");
