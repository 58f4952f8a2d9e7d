namespace Escala.Sqlite.Sql;

/// <summary>Statements of the token budgets (<c>resource_tokens</c>, migration 0005).</summary>
internal static class TokenSql
{
    public const string Trim = "DELETE FROM resource_tokens WHERE resource = $resource AND at <= $since";

    public const string Sum = "SELECT coalesce(sum(tokens), 0) FROM resource_tokens WHERE resource = $resource AND at > $since";

    public const string Reserve = "INSERT INTO resource_tokens (resource, job_id, at, tokens) VALUES ($resource, $job, $now, $tokens)";

    public const string Restamp = "UPDATE resource_tokens SET at = $at WHERE job_id = $job";

    public const string Settle = "UPDATE resource_tokens SET tokens = $tokens, at = max(at, $notBefore) WHERE job_id = $job";
}
