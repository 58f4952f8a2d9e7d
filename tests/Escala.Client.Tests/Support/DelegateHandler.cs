using Escala.Execution;

namespace Escala.Client.Tests.Support;

/// <summary>An <see cref="IJobHandler"/> whose body is a lambda, for tests.</summary>
internal sealed class DelegateHandler(string kind, Func<JobContext, CancellationToken, Task<object?>> run) : IJobHandler
{
    public string Kind { get; } = kind;

    public Task<object?> ExecuteAsync(JobContext context, CancellationToken cancellationToken) => run(context, cancellationToken);
}
