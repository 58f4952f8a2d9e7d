using System.Collections.Concurrent;
using Escala.Execution;

namespace Escala.Server.Tests.Support.Handlers;

/// <summary><c>echo</c>: completes at once with its arguments as the result, and records the order jobs ran in.</summary>
internal sealed class EchoHandler : IJobHandler
{
    public const string JobKind = "echo";

    public ConcurrentQueue<long> Ran { get; } = new();

    public string Kind => JobKind;

    public Task<object?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        Ran.Enqueue(context.JobId);
        return Task.FromResult<object?>(context.Args);
    }
}
