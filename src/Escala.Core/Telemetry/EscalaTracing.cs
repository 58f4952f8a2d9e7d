using System.Diagnostics;

namespace Escala.Telemetry;

/// <summary>
/// The engine's activity source: a span for each submit (validation and the store insert) and one for each job
/// attempt. The submit's W3C trace context is stored with the job (<c>traceparent</c>), and every attempt's span
/// is started as its child, so a trace runs from the request through the store to the execution, on any node.
/// </summary>
public static class EscalaTracing
{
    public static ActivitySource Source { get; } = new(EscalaMeter.Name);

    /// <summary>The current span as a W3C <c>traceparent</c>, or null when there is none (or it is not W3C).</summary>
    public static string? CurrentTraceparent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;

    /// <summary>The span context a stored <c>traceparent</c> names; default (no parent) when null or malformed.</summary>
    public static ActivityContext ParentOf(string? traceparent) =>
        traceparent is not null && ActivityContext.TryParse(traceparent, null, isRemote: true, out var context) ? context : default;
}
