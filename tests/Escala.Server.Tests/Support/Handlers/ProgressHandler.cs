using System.Collections.Concurrent;
using Escala.Execution;

namespace Escala.Server.Tests.Support.Handlers;

/// <summary><c>progress</c>: reports <c>{"percent": 50}</c>, waits until the test lets it finish, then returns <c>{"answer": 42}</c>.</summary>
internal sealed class ProgressHandler : IJobHandler
{
    public const string JobKind = "progress";

    private readonly ConcurrentDictionary<long, TaskCompletionSource> _gates = new();

    public string Kind => JobKind;

    public void Finish(long id) => Gate(id).TrySetResult();

    public async Task<object?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        await context.ReportProgressAsync(new { percent = 50 }, cancellationToken);
        await Gate(context.JobId).Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        return new { answer = 42 };
    }

    private TaskCompletionSource Gate(long id) =>
        _gates.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
