namespace Escala.Server.Dashboard;

/// <param name="State">The state the breaker moved to: <c>open</c>, <c>half_open</c> or <c>closed</c>.</param>
public sealed record BreakerTransition(DateTimeOffset At, string State);
