using Escala.Execution;

namespace Escala.Workloads.Noop;

/// <summary>
/// The <c>noop</c> kind: completes at once with no result, without reading its arguments. It is the
/// benchmark's hot path, so it returns one cached, already completed task and allocates nothing.
/// </summary>
public sealed class NoopJobHandler : IJobHandler
{
    /// <summary>The job kind: <c>noop</c>.</summary>
    public const string JobKind = "noop";

    private static readonly Task<object?> Done = Task.FromResult<object?>(null);

    /// <inheritdoc />
    public string Kind => JobKind;

    /// <inheritdoc />
    public Task<object?> ExecuteAsync(JobContext context, CancellationToken cancellationToken) => Done;
}
