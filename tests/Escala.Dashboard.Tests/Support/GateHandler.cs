using System.Collections.Concurrent;
using Escala.Execution;

namespace Escala.Dashboard.Tests.Support;

/// <summary>
/// <c>gate</c>: reports progress 50 %, says it started, then waits until the test opens its gate, and completes
/// with <c>{"opened": true}</c>. Lets a test watch a job run and finish on the page without timing guesses.
/// </summary>
internal sealed class GateHandler : IJobHandler
{
    public const string JobKind = "gate";

    private readonly ConcurrentDictionary<long, TaskCompletionSource> _started = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _gates = new();

    public string Kind => JobKind;

    public Task Started(long id) => Signal(_started, id).Task;

    public void Open(long id) => Signal(_gates, id).TrySetResult();

    public async Task<object?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        await context.ReportProgressAsync(new { percent = 50, step = "waiting for the gate" }, cancellationToken);
        Signal(_started, context.JobId).TrySetResult();
        await Signal(_gates, context.JobId).Task.WaitAsync(cancellationToken);
        return new { opened = true };
    }

    private static TaskCompletionSource Signal(ConcurrentDictionary<long, TaskCompletionSource> map, long id) =>
        map.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
