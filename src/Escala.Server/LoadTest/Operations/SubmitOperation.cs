using Escala.Server.LoadTest.Measuring;

namespace Escala.Server.LoadTest.Operations;

/// <summary><c>POST /v1/jobs</c> without waiting: ok when accepted. Latency is the durable acknowledgement.</summary>
public sealed class SubmitOperation(JobTemplate job, RecentJobs recent) : IOperation
{
    public async Task<Outcome> RunAsync(HttpClient api, CancellationToken ct)
    {
        using var content = job.Content();
        using var response = await api.PostAsync("/v1/jobs", content, ct);
        var (failure, answer) = await JobTemplate.ReadAsync(response, ct);
        if (failure is { } f)
        {
            return f;
        }

        recent.Add(answer.GetProperty("id").GetInt64());
        return Outcome.Success();
    }
}
