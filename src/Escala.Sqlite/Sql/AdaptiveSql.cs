namespace Escala.Sqlite.Sql;

/// <summary>Statements of the adaptive concurrency limits (<c>resources.adaptive_*</c>, migration 0010).</summary>
internal static class AdaptiveSql
{
    /// <summary>Creates the limit at its initial value or applies the change; a cut only when none happened since <c>$since</c>.</summary>
    public const string Adjust =
        """
        INSERT INTO resources (name, adaptive_limit) VALUES ($name, $initial)
        ON CONFLICT (name) DO UPDATE SET
            adaptive_limit = min($max, max($min, CASE
                WHEN $factor < 1 AND (resources.adaptive_cut_at IS NULL OR resources.adaptive_cut_at < $since)
                THEN coalesce(resources.adaptive_limit, $initial) * $factor
                ELSE coalesce(resources.adaptive_limit, $initial) + $add END)),
            adaptive_cut_at = CASE
                WHEN $factor < 1 AND (resources.adaptive_cut_at IS NULL OR resources.adaptive_cut_at < $since)
                THEN $now ELSE resources.adaptive_cut_at END
        RETURNING adaptive_limit, adaptive_cut_at,
            (SELECT count(*) FROM jobs WHERE state = 2 AND instr(resources, $needle) > 0)
        """;
}
