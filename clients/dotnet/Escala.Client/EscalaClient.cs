using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Escala.Jobs;

namespace Escala.Client;

/// <summary>
/// A typed client of Escala's <c>/v1</c> API over <see cref="HttpClient"/>: submit (one or a batch), read, wait,
/// follow events, cancel and retry. Register with <c>services.AddEscalaClient(o =&gt; o.BaseAddress = ...)</c>.
/// Refusals throw <see cref="EscalaApiException"/> with the problem's status and fields.
/// </summary>
public sealed class EscalaClient(HttpClient http)
{
    private static readonly TimeSpan WaitStep = TimeSpan.FromSeconds(30);

    public HttpClient Http { get; } = http;

    /// <summary>Submits a job; with <paramref name="wait"/> the call returns once it finished or the wait is up.</summary>
    public async Task<EscalaJob> SubmitAsync(SubmitJob job, TimeSpan? wait = null, CancellationToken cancellationToken = default)
    {
        using var response = await Http.PostAsJsonAsync("/v1/jobs" + WaitQuery(wait), job, EscalaJson.Options, cancellationToken);
        var created = await ReadAsync<EscalaJob>(response, cancellationToken);
        return created with { Created = response.StatusCode switch { HttpStatusCode.Created => true, HttpStatusCode.OK => false, _ => null } };
    }

    /// <summary>Submits jobs in one request: all valid and inserted, or none (the fault is named <c>jobs[i].field</c>).</summary>
    public async Task<IReadOnlyList<EscalaJob>> SubmitManyAsync(IEnumerable<SubmitJob> jobs, CancellationToken cancellationToken = default)
    {
        using var response = await Http.PostAsJsonAsync("/v1/jobs/batch", new { jobs }, EscalaJson.Options, cancellationToken);
        var batch = await ReadAsync<BatchAnswer>(response, cancellationToken);
        return batch.Jobs.Select(j => j.Job with { Created = j.Created }).ToList();
    }

    /// <summary>One job; with <paramref name="wait"/> waits up to that long for it to finish.</summary>
    public async Task<EscalaJob> GetAsync(long id, TimeSpan? wait = null, CancellationToken cancellationToken = default)
    {
        using var response = await Http.GetAsync($"/v1/jobs/{id}" + WaitQuery(wait), cancellationToken);
        return await ReadAsync<EscalaJob>(response, cancellationToken);
    }

    /// <summary>Waits until the job is final and returns it; <see cref="TimeoutException"/> when <paramref name="timeout"/> ends first.</summary>
    public async Task<EscalaJob> WaitAsync(long id, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTimeOffset.UtcNow;
            var job = await GetAsync(id, left > WaitStep ? WaitStep : left > TimeSpan.Zero ? left : null, cancellationToken);
            if (job.IsFinal)
            {
                return job;
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                throw new TimeoutException($"Job {id} is still {job.State} after {timeout}.");
            }
        }
    }

    /// <summary>Waits for the job and returns its result as <typeparamref name="T"/>; <see cref="EscalaJobFailedException"/> unless completed.</summary>
    public async Task<T?> ResultAsync<T>(long id, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var job = await WaitAsync(id, timeout, cancellationToken);
        return job.State == "completed" ? job.ResultAs<T>() : throw new EscalaJobFailedException(job);
    }

    /// <summary>The job's server-sent events as they happen, ending with <c>done</c> (or <c>timeout</c>).</summary>
    public async IAsyncEnumerable<EscalaJobEvent> EventsAsync(long id, TimeSpan? maxDuration = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var path = $"/v1/jobs/{id}/events" + (maxDuration is { } d ? $"?maxDuration={Durations.Format(d)}" : "");
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await ThrowIfRefusedAsync(response, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string name = "message";
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    var job = JsonSerializer.Deserialize<EscalaJob>(data.ToString(), EscalaJson.Options)!;
                    yield return new EscalaJobEvent(name, job);
                }

                name = "message";
                data.Clear();
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                name = line[6..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Append(line[5..].TrimStart());
            }
        }
    }

    /// <summary>Cancels a waiting job, or asks a running one to stop (its handler's token fires).</summary>
    public async Task<EscalaJob> CancelAsync(long id, CancellationToken cancellationToken = default)
    {
        using var response = await Http.PostAsync($"/v1/jobs/{id}/cancel", JsonContent.Create(new { }), cancellationToken);
        return await ReadAsync<EscalaJob>(response, cancellationToken);
    }

    /// <summary>Runs a finished or waiting job again now.</summary>
    public async Task<EscalaJob> RetryAsync(long id, CancellationToken cancellationToken = default)
    {
        using var response = await Http.PostAsync($"/v1/jobs/{id}/retry", JsonContent.Create(new { }), cancellationToken);
        return await ReadAsync<EscalaJob>(response, cancellationToken);
    }

    internal static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await ThrowIfRefusedAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<T>(EscalaJson.Options, cancellationToken))!;
    }

    internal static async Task ThrowIfRefusedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        Problem? problem = null;
        try
        {
            problem = await response.Content.ReadFromJsonAsync<Problem>(EscalaJson.Options, cancellationToken);
        }
        catch (JsonException)
        {
        }

        throw new EscalaApiException(status, problem?.Title ?? response.ReasonPhrase ?? "HTTP error", problem?.Detail,
            problem?.Errors ?? new Dictionary<string, string[]>());
    }

    private static string WaitQuery(TimeSpan? wait) => wait is { } w && w > TimeSpan.Zero ? $"?wait={Durations.Format(w)}" : "";

    private sealed record BatchAnswer(IReadOnlyList<BatchItem> Jobs);

    private sealed record BatchItem(bool Created, EscalaJob Job);

    private sealed record Problem(string? Title, string? Detail, Dictionary<string, string[]>? Errors);
}
