using Escala.Execution;

namespace Escala.Server.Tests.Support.Handlers;

/// <summary><c>flaky</c>: <c>{"failures": N}</c> fails attempts 1..N with a transient error, then succeeds with the attempt number.</summary>
internal sealed class FlakyHandler : IJobHandler
{
    public const string JobKind = "flaky";

    public string Kind => JobKind;

    public Task<object?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        var failures = context.Args.GetProperty("failures").GetInt32();
        if (context.Attempt <= failures)
        {
            throw new TransientJobException($"flaky failure {context.Attempt} of {failures}");
        }

        return Task.FromResult<object?>(new { attempt = context.Attempt });
    }
}
