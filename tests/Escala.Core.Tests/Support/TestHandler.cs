using Escala.Execution;

namespace Escala.Core.Tests.Support;

/// <summary>A handler whose body the test supplies, and that tells when it started.</summary>
internal sealed class TestHandler(string kind, Func<JobContext, CancellationToken, Task<object?>> body) : IJobHandler
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Kind { get; } = kind;

    /// <summary>Completes when the handler first runs.</summary>
    public Task Started => _started.Task;

    public Task<object?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        _started.TrySetResult();
        return body(context, cancellationToken);
    }
}
