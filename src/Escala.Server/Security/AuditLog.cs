using Escala.Security;
using Escala.Storage;

namespace Escala.Server.Security;

/// <summary>Records admin and key actions (who, what, on what, when) in the store and in the log. Never a secret.</summary>
public sealed partial class AuditLog(IKeyStore store, TimeProvider time, ILogger<AuditLog> logger)
{
    public async Task RecordAsync(string actor, string tenant, string action, string target, string? detail, CancellationToken ct)
    {
        var entry = new AuditEntry(time.GetUtcNow(), actor, tenant, action, target, detail);
        await store.AppendAuditAsync(entry, ct);
        LogAudit(logger, actor, tenant, action, target);
    }

    [LoggerMessage(EventId = 7100, Level = LogLevel.Information, Message = "Audit: {Actor} of tenant {Tenant} did {Action} on {Target}")]
    private static partial void LogAudit(ILogger logger, string actor, string tenant, string action, string target);
}
