using Microsoft.Data.Sqlite;

namespace Escala.Sqlite.Writer;

/// <summary>What a write operation sees: the writer connection, its prepared commands, and the wake-ups to send after commit.</summary>
internal sealed class WriteContext
{
    private readonly Dictionary<string, SqliteCommand> _prepared = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<string> _wakeQueues = new(StringComparer.Ordinal);

    public WriteContext(SqliteConnection connection) => Connection = connection;

    public SqliteConnection Connection { get; }

    /// <summary>Queues that got available jobs in the running operation.</summary>
    public IReadOnlySet<string> WakeQueues => _wakeQueues;

    /// <summary>
    /// The prepared command for a constant SQL text (cached by reference: pass constants only), with the parameter
    /// values of its last use; set every parameter before running it.
    /// </summary>
    public SqliteCommand Prepared(string constantSql)
    {
        if (!_prepared.TryGetValue(constantSql, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = constantSql;
            _prepared.Add(constantSql, command);
        }

        return command;
    }

    /// <summary>A one-off command for SQL built at run time; the caller disposes it.</summary>
    public SqliteCommand Adhoc(string sql)
    {
        var command = Connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    /// <summary>Records that <paramref name="queue"/> may have available jobs once this operation commits.</summary>
    public void Wake(string queue) => _wakeQueues.Add(queue);

    public void ClearWakes() => _wakeQueues.Clear();

    public void DisposeCommands()
    {
        foreach (var command in _prepared.Values)
        {
            command.Dispose();
        }

        _prepared.Clear();
    }
}
