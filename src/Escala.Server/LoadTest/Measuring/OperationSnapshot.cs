namespace Escala.Server.LoadTest.Measuring;

/// <summary>One operation's figures at one moment (see <see cref="OperationRecorder.Snapshot"/>).</summary>
public sealed record OperationSnapshot(
    string Name,
    long Ok,
    long Errors,
    long OkAfterRampUp,
    Percentiles Latency,
    Percentiles? QueueWait,
    IReadOnlyList<SecondFigures> Seconds,
    IReadOnlyDictionary<string, long> ErrorReasons);
