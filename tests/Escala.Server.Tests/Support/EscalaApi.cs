using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Escala.Server.Tests.Support;

/// <summary>A thin HTTP client for the <c>/v1</c> API, with bounded waits on job state.</summary>
internal sealed class EscalaApi(HttpClient http)
{
    public static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    public HttpClient Http { get; } = http;

    /// <summary>An empty JSON body: a POST that changes something needs a JSON content type (or an Authorization header), against CSRF.</summary>
    public static StringContent EmptyJson() => new("{}", Encoding.UTF8, "application/json");

    public Task<HttpResponseMessage> PostJsonAsync(string path, object body, CancellationToken ct = default) =>
        Http.PostAsJsonAsync(path, body, Json, ct);

    public Task<HttpResponseMessage> PostRawAsync(string path, string body, string contentType = "application/json") =>
        Http.PostAsync(path, new StringContent(body, Encoding.UTF8, contentType));

    /// <summary>Submits one job and returns it; asserts 201 Created.</summary>
    public async Task<JsonElement> SubmitAsync(object body)
    {
        using var response = await PostJsonAsync("/v1/jobs", body);
        await ExpectAsync(response, HttpStatusCode.Created);
        return await ReadAsync(response);
    }

    public async Task<long> SubmitIdAsync(object body) => (await SubmitAsync(body)).GetProperty("id").GetInt64();

    public async Task<JsonElement> GetJobAsync(long id)
    {
        using var response = await Http.GetAsync($"/v1/jobs/{id}");
        await ExpectAsync(response, HttpStatusCode.OK);
        return await ReadAsync(response);
    }

    public async Task<JsonElement> GetAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        await ExpectAsync(response, HttpStatusCode.OK);
        return await ReadAsync(response);
    }

    /// <summary>Polls the job until it is in <paramref name="state"/>.</summary>
    public Task<JsonElement> WaitForStateAsync(long id, string state, TimeSpan? timeout = null) =>
        WaitForAsync(id, j => State(j) == state, $"job {id} to be {state}", timeout);

    public Task<JsonElement> WaitForAsync(long id, Func<JsonElement, bool> done, string what, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(() => GetJobAsync(id), done, what, timeout);

    public async Task<int> CountJobsAsync(string query = "")
    {
        var count = 0;
        string? cursor = null;
        for (var page = 0; page < 1000; page++)
        {
            var sep = query.Length == 0 ? "?" : "&";
            var url = $"/v1/jobs{(query.Length == 0 ? "" : "?" + query)}{sep}limit=500" + (cursor is null ? "" : $"&cursor={cursor}");
            var body = await GetAsync(url);
            count += body.GetProperty("jobs").GetArrayLength();
            if (body.GetProperty("nextCursor").ValueKind == JsonValueKind.Null)
            {
                return count;
            }

            cursor = body.GetProperty("nextCursor").GetRawText();
        }

        throw new InvalidOperationException("More than 1000 pages.");
    }

    public async Task PauseAsync(string queue)
    {
        using var response = await Http.PostAsync($"/v1/queues/{queue}/pause", EscalaApi.EmptyJson());
        await ExpectAsync(response, HttpStatusCode.OK);
    }

    public async Task ResumeAsync(string queue)
    {
        using var response = await Http.PostAsync($"/v1/queues/{queue}/resume", EscalaApi.EmptyJson());
        await ExpectAsync(response, HttpStatusCode.OK);
    }

    public static string State(JsonElement job) => job.GetProperty("state").GetString()!;

    public static long Id(JsonElement job) => job.GetProperty("id").GetInt64();

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Asserts the status, showing the body when it differs.</summary>
    public static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.Fail($"Expected {(int)status} {status} from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}, got {(int)response.StatusCode}: {body}");
        }
    }
}
