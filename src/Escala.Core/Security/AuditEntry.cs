namespace Escala.Security;

/// <summary>One audited action: who (a key id, <c>cli</c>, <c>jwt:subject</c> or <c>open</c>), what, on what, when. Never a secret.</summary>
public sealed record AuditEntry(DateTimeOffset At, string Actor, string Tenant, string Action, string Target, string? Detail);
