using System.Collections.Concurrent;
using Escala.Execution;

namespace Escala.Server.Tests.Support.Handlers;

/// <summary>
/// <c>progress</c>: waits until the test says <see cref="Report"/>, reports <c>{"percent": 50}</c>, waits until the
/// test says <see cref="Finish"/>, then returns <c>{"answer": 42}</c>. The gates let a watcher see each step apart.
/// </summary>
internal sealed class ProgressHandler : IJobHandler
{
    public const string JobKind = "progress";

    private readonly ConcurrentDictionary<(long, string), TaskCompletionSource> _gates = new();

    public string Kind => JobKind;

    public void Report(long id) => Gate(id, "report").TrySetResult();

    public void Finish(long id) => Gate(id, "finish").TrySetResult();

    public async Task<object?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        await Gate(context.JobId, "report").Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        await context.ReportProgressAsync(new { percent = 50 }, cancellationToken);
        await Gate(context.JobId, "finish").Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        return new { answer = 42 };
    }

    private TaskCompletionSource Gate(long id, string name) =>
        _gates.GetOrAdd((id, name), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
