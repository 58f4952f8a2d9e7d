using Escala.Sqlite.Sql;
using Escala.Storage;

namespace Escala.Sqlite;

// Token budgets: settling reservations, provider-reported use.
public sealed partial class SqliteJobStore : ITokenLedger
{
    /// <inheritdoc/>
    public Task<bool> RestampTokensAsync(long jobId, DateTimeOffset at, CancellationToken ct) =>
        _writer.WriteAsync(context => context.Prepared(TokenSql.Restamp).Set("$job", jobId).Set("$at", Instants.ToMs(at)).ExecuteNonQuery() > 0, ct);

    /// <inheritdoc/>
    public Task<bool> SettleTokensAsync(long jobId, long tokens, DateTimeOffset notBefore, CancellationToken ct) =>
        _writer.WriteAsync(context => context.Prepared(TokenSql.Settle)
            .Set("$job", jobId).Set("$tokens", tokens).Set("$notBefore", Instants.ToMs(notBefore)).ExecuteNonQuery() > 0, ct);

    /// <inheritdoc/>
    public Task ConsumeTokensAsync(string resource, long tokens, DateTimeOffset at, CancellationToken ct) =>
        _writer.WriteAsync(context => context.Prepared(TokenSql.Reserve)
            .Set("$resource", resource).Set("$job", null).Set("$now", Instants.ToMs(at)).Set("$tokens", tokens).ExecuteNonQuery(), ct);

    /// <inheritdoc/>
    public Task<long> TokensSinceAsync(string resource, DateTimeOffset since, CancellationToken ct) =>
        ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = TokenSql.Sum;
            command.Parameters.AddWithValue("$resource", resource);
            command.Parameters.AddWithValue("$since", Instants.ToMs(since));
            return (long)command.ExecuteScalar()!;
        }, ct);
}
