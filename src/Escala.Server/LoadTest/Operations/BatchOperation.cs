using System.Text.Json.Nodes;
using Escala.Server.LoadTest.Measuring;

namespace Escala.Server.LoadTest.Operations;

/// <summary><c>POST /v1/jobs/batch</c> with a fixed number of copies of the job: ok when all were accepted.</summary>
public sealed class BatchOperation(JobTemplate job, int size) : IOperation
{
    private readonly string _body = new JsonObject { ["jobs"] = new JsonArray([.. Enumerable.Range(0, size).Select(_ => job.Json.DeepClone())]) }.ToJsonString();

    public async Task<Outcome> RunAsync(HttpClient api, CancellationToken ct)
    {
        using var content = new StringContent(_body, System.Text.Encoding.UTF8, "application/json");
        using var response = await api.PostAsync("/v1/jobs/batch", content, ct);
        return response.IsSuccessStatusCode ? Outcome.Success() : Outcome.Failure($"HTTP {(int)response.StatusCode}");
    }
}
