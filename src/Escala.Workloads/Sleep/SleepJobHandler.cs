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

    /// <summary>The longest sleep: one day.</summary>
    public const int MaxMilliseconds = 86_400_000;

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
            ms.ValueKind != JsonValueKind.Number || !ms.TryGetInt32(out var milliseconds) || milliseconds < 0 || milliseconds > MaxMilliseconds)
        {
            throw new PermanentJobException("sleep: args.ms must be a whole number of milliseconds from 0 to 86400000 (1 day), such as {\"ms\": 100}.");
        }

        await Task.Delay(TimeSpan.FromMilliseconds(milliseconds), _time, cancellationToken);
        return null;
    }
}
