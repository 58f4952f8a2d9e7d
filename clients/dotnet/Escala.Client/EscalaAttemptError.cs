namespace Escala.Client;

/// <summary>Why one attempt failed: its number, when, the message and the kind of failure.</summary>
public sealed record EscalaAttemptError(int Attempt, DateTimeOffset At, string Message, string? Kind);
