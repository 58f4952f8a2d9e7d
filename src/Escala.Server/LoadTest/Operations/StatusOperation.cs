using System.Globalization;
using Escala.Server.LoadTest.Measuring;

namespace Escala.Server.LoadTest.Operations;

/// <summary><c>GET /v1/jobs/{id}</c> of a job this run submitted; <c>GET /v1/queues</c> while there is none yet.</summary>
public sealed class StatusOperation(RecentJobs recent) : IOperation
{
    public async Task<Outcome> RunAsync(HttpClient api, CancellationToken ct)
    {
        var path = recent.Pick() is { } id ? $"/v1/jobs/{id.ToString(CultureInfo.InvariantCulture)}" : "/v1/queues";
        using var response = await api.GetAsync(path, ct);
        return response.IsSuccessStatusCode ? Outcome.Success() : Outcome.Failure($"HTTP {(int)response.StatusCode}");
    }
}
