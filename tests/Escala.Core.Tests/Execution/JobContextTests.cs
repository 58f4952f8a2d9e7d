using System.Text.Json;
using Escala.Execution;
using Escala.Jobs;

namespace Escala.Core.Tests.Execution;

/// <summary>A user unit-tests a handler by constructing its <see cref="JobContext"/>.</summary>
public sealed class JobContextTests
{
    private sealed record WordCount(int Words);

    private sealed class CountWords : IJobHandler
    {
        public string Kind => "words";

        public async Task<object?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
        {
            var text = context.Args.GetProperty("text").GetString() ?? "";
            await context.ReportProgressAsync(new { percent = 50 }, cancellationToken);
            return new WordCount(text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        }
    }

    [Fact]
    public async Task JobContext_ConstructedByATest_RunsAHandlerAndCapturesItsProgress()
    {
        var job = new Job
        {
            Id = 42, Tenant = "t1", Queue = "default", Kind = "words", Args = "{\"text\":\"one two three\"}",
            State = JobState.Running, Attempt = 2, MaxAttempts = 3, CreatedAt = DateTimeOffset.UnixEpoch, RunAt = DateTimeOffset.UnixEpoch,
        };
        var reports = new List<string>();

        var result = await new CountWords().ExecuteAsync(new JobContext(job, (json, _) => { reports.Add(json); return Task.CompletedTask; }), default);

        Assert.Equal(new WordCount(3), result);
        Assert.Equal(["{\"percent\":50}"], reports);
    }

    [Fact]
    public void JobContext_WithoutProgressSink_ExposesTheJob()
    {
        var job = new Job
        {
            Id = 7, Tenant = "acme", Queue = "q", Kind = "k", Args = "{\"n\":1}",
            State = JobState.Running, Attempt = 1, MaxAttempts = 1, CreatedAt = DateTimeOffset.UnixEpoch, RunAt = DateTimeOffset.UnixEpoch,
        };

        var context = new JobContext(job);

        Assert.Equal((7L, 1, "acme"), (context.JobId, context.Attempt, context.Tenant));
        Assert.Equal(1, context.GetArgs<JsonElement>().GetProperty("n").GetInt32());
    }
}
