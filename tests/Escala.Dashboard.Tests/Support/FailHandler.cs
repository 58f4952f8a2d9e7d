using Escala.Execution;

namespace Escala.Dashboard.Tests.Support;

/// <summary><c>fail</c>: <c>{"failures": N}</c> fails attempts 1..N with a transient error (a dependency's 5xx), then succeeds.</summary>
internal sealed class FailHandler : IJobHandler
{
    public const string JobKind = "fail";

    public string Kind => JobKind;

    public Task<object?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        var failures = context.Args.GetProperty("failures").GetInt32();
        if (context.Attempt <= failures)
        {
            throw new TransientJobException($"dependency answered 503 (attempt {context.Attempt} of {failures} failing)");
        }

        return Task.FromResult<object?>(new { attempt = context.Attempt });
    }
}
