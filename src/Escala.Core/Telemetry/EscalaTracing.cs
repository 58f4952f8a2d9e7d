using System.Diagnostics;

namespace Escala.Telemetry;

/// <summary>The engine's activity source: one activity per job attempt, so its logs carry a trace id.</summary>
public static class EscalaTracing
{
    public static ActivitySource Source { get; } = new(EscalaMeter.Name);
}
