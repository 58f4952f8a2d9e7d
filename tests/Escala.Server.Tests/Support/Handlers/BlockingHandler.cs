using System.Collections.Concurrent;
using Escala.Execution;

namespace Escala.Server.Tests.Support.Handlers;

/// <summary><c>block</c>: runs until its token fires (cancel, timeout, shutdown), and says when it started and when it saw the token.</summary>
internal sealed class BlockingHandler : IJobHandler
{
    public const string JobKind = "block";

    private readonly ConcurrentDictionary<long, TaskCompletionSource> _started = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _cancelled = new();

    public string Kind => JobKind;

    public Task Started(long id) => Signal(_started, id).Task;

    public Task Cancelled(long id) => Signal(_cancelled, id).Task;

    public async Task<object?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        Signal(_started, context.JobId).TrySetResult();
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Signal(_cancelled, context.JobId).TrySetResult();
            throw;
        }

        return null;
    }

    private static TaskCompletionSource Signal(ConcurrentDictionary<long, TaskCompletionSource> map, long id) =>
        map.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
