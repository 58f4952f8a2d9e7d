using System.Globalization;
using Escala.Server.LoadTest.Measuring;

namespace Escala.Server.LoadTest.Operations;

/// <summary><c>POST /v1/jobs?wait=</c>: ok when the job completed within the wait (a 202 after it is an error).</summary>
public sealed class SubmitWaitOperation(JobTemplate job, TimeSpan wait, RecentJobs recent) : IOperation
{
    private readonly string _path = $"/v1/jobs?wait={Math.Max(1, (int)Math.Ceiling(wait.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture)}ms";

    public async Task<Outcome> RunAsync(HttpClient api, CancellationToken ct)
    {
        using var content = job.Content();
        using var response = await api.PostAsync(_path, content, ct);
        var (failure, answer) = await JobTemplate.ReadAsync(response, ct);
        if (failure is { } f)
        {
            return f;
        }

        recent.Add(answer.GetProperty("id").GetInt64());
        return JobTemplate.FinalOutcome(answer);
    }
}
