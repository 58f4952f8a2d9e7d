using Escala.Client;
using Escala.Execution;

namespace Escala.Server.Tests.Support.Handlers;

/// <summary><c>fanout</c>: a workflow step that spawns <c>args.n</c> <c>echo</c> children (<c>{"i": k}</c>) and completes.</summary>
internal sealed class FanOutHandler : IJobHandler
{
    public const string JobKind = "fanout";

    public string Kind => JobKind;

    public async Task<object?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        var n = context.Args.GetProperty("n").GetInt32();
        var children = Enumerable.Range(0, n).Select(i => new JobRequest { Kind = EchoHandler.JobKind, Args = $"{{\"i\":{i}}}" }).ToList();
        var spawned = await context.SpawnAsync(children, cancellationToken);
        return new { spawned = spawned.Count };
    }
}
