using System.Text.Json;
using Escala.Execution;

namespace Escala.Workloads.Sleep;

/// <summary>
/// The <c>sleep</c> kind, for load tests: <c>{"ms": 100}</c> waits that long, then completes with no result.
/// The wait ends early, with <see cref="OperationCanceledException"/>, when the job's token fires.
/// </summary>
public sealed class SleepJobHandler : IJobHandler
{
    /// <summary>The job kind: <c>sleep</c>.</summary>
    public const string JobKind = "sleep";

    private readonly TimeProvider _time;

    /// <summary>Creates the handler.</summary>
    /// <param name="time">The clock the wait is measured with.</param>
    public SleepJobHandler(TimeProvider time) => _time = time;

    /// <inheritdoc />
    public string Kind => JobKind;

    /// <inheritdoc />
    public async Task<object?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        var args = context.Args;
        if (args.ValueKind != JsonValueKind.Object || !args.TryGetProperty("ms", out var ms) ||
            ms.ValueKind != JsonValueKind.Number || !ms.TryGetInt32(out var milliseconds) || milliseconds < 0)
        {
            throw new PermanentJobException("sleep: args.ms must be a whole number of milliseconds, 0 or more, such as {\"ms\": 100}.");
        }

        await Task.Delay(TimeSpan.FromMilliseconds(milliseconds), _time, cancellationToken);
        return null;
    }
}
