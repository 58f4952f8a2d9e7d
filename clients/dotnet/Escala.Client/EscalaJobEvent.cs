namespace Escala.Client;

/// <summary>One server-sent event of a job: <c>state</c>, <c>progress</c>, <c>waiting</c>, <c>done</c> or <c>timeout</c>, with the job then.</summary>
public sealed record EscalaJobEvent(string Name, EscalaJob Job);
