using Escala.Server.LoadTest.Measuring;

namespace Escala.Server.LoadTest;

/// <summary>The figures so far, for live progress.</summary>
public sealed record LiveFigures(double ElapsedSeconds, double DurationSeconds, long InFlight, IReadOnlyList<OperationSnapshot> Operations, ServerSample? Server);
