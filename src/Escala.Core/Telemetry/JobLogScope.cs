using System.Collections;
using Escala.Jobs;

namespace Escala.Telemetry;

/// <summary>
/// The logging scope of one attempt: everything logged while it runs, by the engine or by the handler,
/// carries the job id, queue, kind and attempt (never the arguments).
/// </summary>
internal sealed class JobLogScope(Job job) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 4;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("JobId", job.Id),
        1 => new("Queue", job.Queue),
        2 => new("Kind", job.Kind),
        3 => new("Attempt", job.Attempt),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"job {job.Id} ({job.Queue}/{job.Kind}, attempt {job.Attempt})";
}
